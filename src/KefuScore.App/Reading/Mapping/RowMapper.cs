using System.Globalization;
using KefuScore.Engine.Events;

namespace KefuScore.App.Reading.Mapping;

/// <summary>
/// Turns the current row of a <see cref="MappedCsv"/> into field values as the mapping says: constants, cells,
/// value translations, <c>when_sender</c> and time formats. Thread-derived fields are the caller's business.
/// </summary>
internal sealed class RowMapper
{
    private readonly MappedCsv _csv;
    private readonly ImportMapping _mapping;
    private readonly Dictionary<FieldMap, int> _ordinals = [];
    private readonly FieldMap? _sender;

    public RowMapper(ImportMapping mapping, MappedCsv csv)
    {
        _csv = csv;
        _mapping = mapping;
        _sender = mapping.Field("sender");
        // Resolved once, before the first row, so that a column missing from the file fails at once with its mapping path.
        foreach (var f in mapping.Fields.Values)
            if (f.Column is { } c) _ordinals[f] = csv.Ordinal(c);
    }

    /// <summary>The row's sender as a SPEC word (null when unmapped or empty), or an error.</summary>
    public bool TrySender(out string? sender, out FieldError error)
    {
        sender = null;
        error = default;
        return _sender is null || TryValue(_sender, null, out sender, out error);
    }

    /// <summary>One field's value for this row, or the reason it cannot be read; null when absent or not for this sender.</summary>
    public bool TryValue(FieldMap field, string? sender, out string? value, out FieldError error)
    {
        value = null;
        error = default;
        if (field.WhenSender.Count > 0 && (sender is null || !field.WhenSender.Contains(sender))) return true;
        switch (field.Source)
        {
            case FieldSource.Constant:
                value = field.Value;
                return true;
            case FieldSource.Column:
                var cell = _csv.Cell(_ordinals[field]);
                if (cell is null) return true;
                if (field.Values is { } values)
                {
                    // Exports pad cells inconsistently ("True " vs "True"); the translation table is about words.
                    if (!values.TryGetValue(cell, out value) && !values.TryGetValue(cell.Trim(), out value))
                    {
                        error = new FieldError(field.Field,
                            $"{EventParser.Quoted(cell)} in column {field.Column} is not one of the values the mapping translates ({string.Join(", ", values.Keys)})");
                        return false;
                    }
                    return true;
                }
                if (field.Formats.Count > 0) return TryTime(field, cell, out value, out error);
                value = cell;
                return true;
            default:
                return true;
        }
    }

    /// <summary>The row's time in ticks (UTC) when it can be read, for ordering within a thread.</summary>
    public bool TryTicks(out long ticks)
    {
        ticks = 0;
        if (_mapping.Field("at") is not { } at || !TryValue(at, null, out var text, out _) || text is null) return false;
        if (!Timestamp.TryParse(text, out var value)) return false;
        ticks = value.UtcTicks;
        return true;
    }

    private static bool TryTime(FieldMap field, string cell, out string? value, out FieldError error)
    {
        error = default;
        if (TimeFormats.TryParse(cell, field.Formats, field.Offset, out var at))
        {
            // Handed on as ISO 8601 so that the parser validates mapped and native files alike.
            value = at.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture);
            return true;
        }
        value = null;
        var formats = string.Join(" or ", field.Formats.Select(f => $"'{f}'"));
        error = new FieldError("at", $"{EventParser.Quoted(cell)} in column {field.Column} does not match the mapping's format {formats}");
        return false;
    }
}
