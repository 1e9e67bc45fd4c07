using System.Text;
using KefuScore.Engine.Events;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace KefuScore.App.Reading.Mapping;

public sealed partial class ImportMapping
{
    private static readonly string[] SenderWords = ["customer", "agent", "bot", "system"];

    public static ImportMapping Load(string path)
    {
        string text;
        try { text = Yaml.YamlGuard.ReadText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new MappingException(path, [new MappingError("", $"cannot be read: {e.Message}")]);
        }
        return Parse(text, path);
    }

    /// <summary>Reads a mapping document, collecting every problem with its path and line before throwing.</summary>
    public static ImportMapping Parse(string text, string source)
    {
        YamlMappingNode root;
        try
        {
            var stream = Yaml.YamlGuard.Load(text);
            if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode map)
                throw new MappingException(source, [new MappingError("", "the document must be a mapping (format:, csv:, fields:, …)")]);
            root = map;
        }
        catch (YamlException e)
        {
            throw new MappingException(source, [new MappingError($"(line {e.Start.Line}, column {e.Start.Column})", e.InnerException?.Message ?? e.Message)]);
        }

        var r = new MappingReader();
        r.Known(root, "", "format", "csv", "threads", "fields");
        var format = r.Scalar(root, "", "format") ?? "csv";
        if (format != "csv") r.Error(root, "format", $"'{format}' is not supported; only csv is");
        var csv = ReadCsv(r, r.Mapping(root, "", "csv"));
        var links = ReadLinks(r, r.Mapping(root, "", "threads"));
        var fields = new Dictionary<string, FieldMap>(StringComparer.Ordinal);
        if (r.Mapping(root, "", "fields") is not { } fieldsNode) r.Error(root, "fields", "is required");
        else
        {
            foreach (var (key, node) in fieldsNode.Children)
            {
                var name = (key as YamlScalarNode)?.Value ?? "";
                if (!RawEvent.FieldNames.Contains(name))
                    r.Error(key, $"fields.{name}", $"is not a SPEC field (expected one of: {string.Join(", ", RawEvent.FieldNames)})");
                else if (FieldReader.Read(r, name, node) is { } field) fields[name] = field;
            }
            Check(r, fieldsNode, fields, links);
        }
        if (r.Errors.Count > 0) throw new MappingException(source, Yaml.YamlGuard.Capped(r.Errors, r.Uncounted, m => new MappingError("", m)));
        return new ImportMapping { Source = source, Csv = csv, Fields = fields, Links = links };
    }

    private static CsvLayout ReadCsv(MappingReader r, YamlMappingNode? node)
    {
        if (node is null) return new CsvLayout();
        r.Known(node, "csv", "delimiter", "quote", "header", "encoding");
        var layout = new CsvLayout(
            r.Char(node, "csv", "delimiter") ?? ',', r.Char(node, "csv", "quote") ?? '"', r.Bool(node, "csv", "header") ?? true,
            r.Scalar(node, "csv", "encoding") ?? "utf-8");
        if (MappedCsv.EncodingOf(layout.Encoding) is null)
            r.Error(r.Child(node, "encoding"), "csv.encoding", $"'{layout.Encoding}' is not an encoding this system knows (e.g. utf-8, gb18030)");
        return layout;
    }

    private static ThreadLinks? ReadLinks(MappingReader r, YamlMappingNode? node)
    {
        if (node is null) return null;
        r.Known(node, "threads", "id", "in_reply_to", "replies");
        var id = r.Column(node, "threads", "id");
        var inReplyTo = r.Column(node, "threads", "in_reply_to");
        var replies = r.Column(node, "threads", "replies");
        if (id is null) r.Error(node, "threads.id", "is required: the column holding each row's own id, which replies refer to");
        if (inReplyTo is null && replies is null) r.Error(node, "threads", "needs in_reply_to or replies (or both): the columns holding the links");
        return id is null ? null : new ThreadLinks(id, inReplyTo, replies);
    }

    /// <summary>Checks across fields, so that a mapping that loads is one that can produce events.</summary>
    private static void Check(MappingReader r, YamlMappingNode node, Dictionary<string, FieldMap> fields, ThreadLinks? links)
    {
        foreach (var required in (string[])["type", "id", "shop", "at"])
            if (!fields.ContainsKey(required)) r.Error(node, $"fields.{required}", "is required: every event needs it");
        if (fields.GetValueOrDefault("type") is { Source: FieldSource.Constant, Value: "message" })
            foreach (var required in (string[])["conversation", "sender"])
                if (!fields.ContainsKey(required)) r.Error(node, $"fields.{required}", "is required for messages");

        foreach (var f in fields.Values)
        {
            if (f.WhenSender.Count > 0 && !fields.ContainsKey("sender"))
                r.Error(node, $"{f.Path}.when_sender", "needs fields.sender to be mapped");
            foreach (var w in f.WhenSender.Where(w => !SenderWords.Contains(w)))
                r.Error(node, $"{f.Path}.when_sender", $"'{w}' is not one of {string.Join(", ", SenderWords)}");
            if (f.Field == "sender" && f.Values is not null)
                foreach (var v in f.Values.Values.Where(v => !SenderWords.Contains(v)))
                    r.Error(node, $"{f.Path}.values", $"'{v}' is not one of {string.Join(", ", SenderWords)}");
            if (f.Source == FieldSource.Thread && f.Thread == "root" && links is null)
                r.Error(node, f.Path, "thread: root needs a threads: section naming the reply-link columns");
            if (f.Source == FieldSource.Thread && f.Thread == "agent" && links is null
                && fields.GetValueOrDefault("conversation") is not { Source: FieldSource.Column })
                r.Error(node, f.Path, "thread: agent needs threads from links (threads:) or a conversation column");
            if (f.Source == FieldSource.Thread && f.Thread == "agent" && !fields.ContainsKey("agent"))
                r.Error(node, f.Path, "thread: agent needs fields.agent: the thread's shop is the agent of its first agent message");
        }
        if (links is not null && !fields.Values.Any(f => f.Source == FieldSource.Thread))
            r.Error(node, "threads", "is given but no field takes its value from the thread (e.g. conversation: { thread: root })");
    }

    /// <summary>Parses <c>+08:00</c>, <c>+0800</c>, <c>-05:00</c> or <c>Z</c>.</summary>
    internal static bool TryOffset(string text, out TimeSpan offset)
    {
        offset = default;
        var s = text.Trim();
        if (s is "Z" or "z" or "UTC") return true;
        if (s.Length is not (5 or 6) || s[0] is not ('+' or '-')) return false;
        var digits = new StringBuilder().Append(s.AsSpan(1)).Replace(":", "").ToString();
        if (digits.Length != 4 || !digits.All(char.IsAsciiDigit)) return false;
        var h = (digits[0] - '0') * 10 + digits[1] - '0';
        var m = (digits[2] - '0') * 10 + digits[3] - '0';
        if (h > 14 || m > 59) return false;
        offset = new TimeSpan(h, m, 0) * (s[0] == '-' ? -1 : 1);
        return true;
    }
}
