namespace KefuScore.App.Reading.Mapping;

/// <summary>
/// How an export in someone else's layout becomes SPEC §3 events: which column (or constant) gives each field, how
/// values translate, how times are written, and how conversations are rebuilt from reply links when the export has
/// no conversation column. Written by users as YAML (<c>docs/mapping.md</c>), loaded by <see cref="Load"/>.
/// </summary>
public sealed partial class ImportMapping
{
    /// <summary>The file (or name) the mapping came from, for messages.</summary>
    public required string Source { get; init; }

    public CsvLayout Csv { get; init; } = new();

    /// <summary>SPEC field name → where its value comes from. Fields not listed stay absent.</summary>
    public required IReadOnlyDictionary<string, FieldMap> Fields { get; init; }

    /// <summary>Reply links to rebuild threads from; null when the export names its conversations.</summary>
    public ThreadLinks? Links { get; init; }

    /// <summary>True when reading needs a first pass over the file (threads from links, or a shop taken from the thread).</summary>
    public bool NeedsThreads => Links is not null || Fields.Values.Any(f => f.Source == FieldSource.Thread);

    public FieldMap? Field(string name) => Fields.GetValueOrDefault(name);
}

/// <summary>The CSV dialect of the export.</summary>
/// <param name="Header">False: there is no header row and columns are named by their 1-based position.</param>
/// <param name="Encoding">A .NET encoding name; Chinese desktop exports are often <c>gb18030</c>.</param>
public sealed record CsvLayout(char Delimiter = ',', char Quote = '"', bool Header = true, string Encoding = "utf-8");

/// <summary>A column of the export: a header name, or a 1-based position when the file has no header.</summary>
/// <param name="Path">Where the mapping names it (e.g. <c>fields.id.column</c>), for the message when the file lacks it.</param>
public sealed record ColumnRef(string Name, string Path)
{
    public override string ToString() => $"'{Name}' ({Path})";
}

/// <summary>Columns holding reply links. Link ids written as floats by pandas (<c>3.0</c>) are read as <c>3</c>.</summary>
/// <param name="Replies">A column listing the ids that answer this row, separated by commas, semicolons or spaces.</param>
public sealed record ThreadLinks(ColumnRef Id, ColumnRef? InReplyTo, ColumnRef? Replies);

public enum FieldSource { Constant, Column, Thread }

/// <summary>Where one SPEC field's value comes from.</summary>
/// <param name="Field">The SPEC §3 field name.</param>
/// <param name="Path">The field's place in the mapping document, for messages.</param>
public sealed record FieldMap(string Field, string Path)
{
    public FieldSource Source { get; init; }

    /// <summary>The constant (<see cref="FieldSource.Constant"/>).</summary>
    public string? Value { get; init; }

    public ColumnRef? Column { get; init; }

    /// <summary>Cell text → SPEC value; a cell not listed rejects the row. Null: the cell is taken as written.</summary>
    public IReadOnlyDictionary<string, string>? Values { get; init; }

    /// <summary>SPEC sender words; when not empty, the field is set only on rows whose sender is one of them.</summary>
    public IReadOnlyList<string> WhenSender { get; init; } = [];

    /// <summary>For <c>at</c>: .NET exact formats tried in order; empty means ISO 8601 as SPEC §3 writes it.</summary>
    public IReadOnlyList<string> Formats { get; init; } = [];

    /// <summary>For <c>at</c>: the offset of times written without one (China: +08:00).</summary>
    public TimeSpan? Offset { get; init; }

    /// <summary>For <see cref="FieldSource.Thread"/>: <c>agent</c> (shop) or <c>root</c> (conversation).</summary>
    public string? Thread { get; init; }
}

/// <summary>One problem in a mapping document: its path with line (<c>fields.at.format (line 7)</c>) and what is wrong.</summary>
public sealed record MappingError(string Path, string Problem)
{
    public override string ToString() => Path.Length == 0 ? Problem : $"{Path}: {Problem}";
}

/// <summary>Thrown when a mapping cannot be used; carries every problem found, not just the first.</summary>
public sealed class MappingException : Exception
{
    public MappingException() : base("The mapping cannot be used.") { }

    public MappingException(string message) : base(message) { }

    public MappingException(string message, Exception innerException) : base(message, innerException) { }

    public MappingException(string source, IReadOnlyList<MappingError> errors)
        : base($"{source}: {string.Join("; ", errors)}")
    {
        MappingSource = source;
        Errors = errors;
    }

    public string MappingSource { get; } = "";

    public IReadOnlyList<MappingError> Errors { get; } = [];
}
