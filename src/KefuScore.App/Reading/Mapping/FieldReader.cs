using YamlDotNet.RepresentationModel;

namespace KefuScore.App.Reading.Mapping;

/// <summary>Reads one entry under <c>fields:</c> into a <see cref="FieldMap"/>.</summary>
internal static class FieldReader
{
    public static FieldMap? Read(MappingReader r, string name, YamlNode node)
    {
        var path = $"fields.{name}";
        if (node is YamlScalarNode scalar)
        {
            // A bare value is a constant: `type: message`. An empty one is almost certainly a typo.
            if (string.IsNullOrWhiteSpace(scalar.Value)) { r.Error(node, path, "is empty; give a constant or { column: … }"); return null; }
            return new FieldMap(name, path) { Source = FieldSource.Constant, Value = scalar.Value };
        }
        if (node is not YamlMappingNode map)
        {
            r.Error(node, path, "must be a constant or a mapping like { column: name }");
            return null;
        }

        r.Known(map, path, "value", "column", "values", "when_sender", "format", "offset", "thread");
        var value = r.Scalar(map, path, "value");
        var column = r.Column(map, path, "column");
        var thread = r.Scalar(map, path, "thread");
        var sources = (value is null ? 0 : 1) + (column is null ? 0 : 1) + (thread is null ? 0 : 1);
        if (sources != 1)
        {
            r.Error(node, path, "needs exactly one of value, column, thread");
            return null;
        }

        var field = new FieldMap(name, path)
        {
            Source = value is not null ? FieldSource.Constant : column is not null ? FieldSource.Column : FieldSource.Thread,
            Value = value, Column = column, Thread = thread,
            Values = Values(r, map, path, column is not null),
            WhenSender = r.Scalars(map, path, "when_sender"),
        };
        if (name == "sender" && field.WhenSender.Count > 0) r.Error(r.Child(map, "when_sender"), $"{path}.when_sender", "cannot depend on the sender itself");
        if (thread is not null && (name, thread) is not (("shop", "agent") or ("conversation", "root")))
            r.Error(r.Child(map, "thread"), $"{path}.thread", name switch
            {
                "shop" => $"'{thread}' is not supported; shop: {{ thread: agent }} takes the agent of the thread's first agent message",
                "conversation" => $"'{thread}' is not supported; conversation: {{ thread: root }} names the thread after its root",
                _ => "only shop (thread: agent) and conversation (thread: root) can come from the thread",
            });
        return name == "at" ? Time(r, map, path, field) : NoTime(r, map, path, field);
    }

    private static IReadOnlyDictionary<string, string>? Values(MappingReader r, YamlMappingNode map, string path, bool hasColumn)
    {
        var node = r.Child(map, "values");
        if (node is null) return null;
        if (!hasColumn) r.Error(node, $"{path}.values", "translates a column's cells, so it needs column:");
        if (node is not YamlMappingNode values)
        {
            r.Error(node, $"{path}.values", "must map cell text to a value, e.g. { \"True\": customer, \"False\": agent }");
            return null;
        }
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in values.Children)
        {
            if (k is YamlScalarNode { Value: { } key } && v is YamlScalarNode { Value: { } to }) result[key] = to;
            else r.Error(k, $"{path}.values", "each entry must map one cell text to one value");
        }
        return result;
    }

    private static FieldMap Time(MappingReader r, YamlMappingNode map, string path, FieldMap field)
    {
        var formats = r.Scalars(map, path, "format");
        if (formats is ["iso"]) formats = [];
        TimeSpan? offset = null;
        if (r.Scalar(map, path, "offset") is { } offsetText)
        {
            if (ImportMapping.TryOffset(offsetText, out var o)) offset = o;
            else r.Error(r.Child(map, "offset"), $"{path}.offset", $"'{offsetText}' is not an offset like +08:00, -0500 or Z");
        }
        foreach (var f in formats)
        {
            if (!TimeFormats.IsValid(f))
                r.Error(r.Child(map, "format"), $"{path}.format", $"'{f}' is not a .NET date and time format (e.g. \"yyyy-MM-dd HH:mm:ss\")");
            else if (!TimeFormats.HasOffset(f) && offset is null)
                r.Error(r.Child(map, "format"), $"{path}.format",
                    $"'{f}' has no offset (z, zzz or K), so the times are ambiguous; add offset: \"+08:00\" (or the export's zone)");
        }
        if (formats.Count == 0 && offset is not null)
            r.Error(r.Child(map, "offset"), $"{path}.offset", "applies to times read with format:; ISO 8601 times carry their own offset");
        return field with { Formats = formats, Offset = offset };
    }

    private static FieldMap NoTime(MappingReader r, YamlMappingNode map, string path, FieldMap field)
    {
        foreach (var key in (string[])["format", "offset"])
            if (r.Child(map, key) is { } n) r.Error(n, $"{path}.{key}", "only applies to at");
        return field;
    }
}
