using KefuScore.App.Reading;
using System.Text;
using System.Text.Json;
using KefuScore.Engine.Events;

namespace KefuScore.App.Tests.Writing;

/// <summary>Tiny test-only readers: enough of JSON Lines and RFC 4180 to turn written files back into <see cref="RawEvent"/>s.</summary>
internal static class TestFormats
{
    public static List<RawEvent> ReadJsonLines(byte[] bytes)
    {
        var text = Encoding.UTF8.GetString(bytes);
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        var records = new List<RawEvent>();
        foreach (var line in text[..^1].Split('\n'))
        {
            using var doc = JsonDocument.Parse(line);
            var raw = new RawEvent();
            foreach (var property in doc.RootElement.EnumerateObject())
            {
                var value = property.Value.ValueKind switch
                {
                    JsonValueKind.String => property.Value.GetString(),
                    JsonValueKind.Null => null,
                    _ => property.Value.GetRawText(),
                };
                Assert.True(raw.Set(property.Name, value), $"unknown field {property.Name}");
            }
            records.Add(raw);
        }
        return records;
    }

    /// <summary>Rows of a CSV file: the header first, then the records.</summary>
    public static List<List<string>> ReadCsvRows(byte[] bytes)
    {
        Assert.False(bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF, "no byte-order mark");
        var text = Encoding.UTF8.GetString(bytes);
        var rows = new List<List<string>>();
        var row = new List<string>();
        var cell = new StringBuilder();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '"' && cell.Length == 0)
            {
                i++;
                while (true)
                {
                    if (text[i] == '"' && i + 1 < text.Length && text[i + 1] == '"') { cell.Append('"'); i += 2; }
                    else if (text[i] == '"') { i++; break; }
                    else cell.Append(text[i++]);
                }
                continue;
            }
            if (c == ',') { row.Add(cell.ToString()); cell.Clear(); i++; continue; }
            if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
            {
                row.Add(cell.ToString());
                cell.Clear();
                rows.Add(row);
                row = [];
                i += 2;
                continue;
            }
            Assert.False(c is '\r' or '\n', "a bare line break outside quotes");
            cell.Append(c);
            i++;
        }
        Assert.Empty(row); // the file ends with CRLF
        return rows;
    }

    public static List<RawEvent> ReadCsv(byte[] bytes)
    {
        var rows = ReadCsvRows(bytes);
        var header = rows[0];
        return rows.Skip(1).Select(cells =>
        {
            Assert.Equal(header.Count, cells.Count);
            var raw = new RawEvent();
            for (var k = 0; k < header.Count; k++) raw.Set(header[k], cells[k].Length == 0 ? null : cells[k]);
            return raw;
        }).ToList();
    }

    /// <summary>Every field of the two events, the offset of the time included.</summary>
    public static void AssertSame(ChatEvent expected, ChatEvent actual)
    {
        Assert.Equal(Describe(expected), Describe(actual));
    }

    private static string Describe(ChatEvent e) =>
        $"{e.Type}|{e.Id}|{e.Shop}|{e.At.UtcTicks}|{e.At.Offset}|{e.Conversation}|{e.Customer}|{e.Sender}|{e.Agent}|{e.Kind}|"
        + $"{e.Text}|{e.Stars}|{e.Satisfaction}|{e.Reason}|{e.Order}|{e.Media}|{e.Category}|{e.Action}|{e.Status}|{e.Capacity}";
}
