using System.Text;
using MiniExcel = MiniExcelLibs.MiniExcel;

namespace KefuScore.Web.Dashboard.Export;

/// <summary>A table as exported: column headers (Chinese and English) and rows of plain values.</summary>
public sealed record ExportTable(string Name, IReadOnlyList<string> Columns, IReadOnlyList<object?[]> Rows)
{
    /// <summary>CSV (RFC 4180) with a UTF-8 byte-order mark, so Excel on Windows reads the Chinese correctly.</summary>
    public byte[] ToCsv()
    {
        var sb = new StringBuilder();
        sb.AppendJoin(',', Columns.Select(Quote)).Append("\r\n");
        foreach (var row in Rows) sb.AppendJoin(',', row.Select(v => Quote(Format(v)))).Append("\r\n");
        return [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(sb.ToString())];
    }

    public byte[] ToXlsx()
    {
        var rows = Rows.Select(r =>
        {
            var d = new Dictionary<string, object?>(StringComparer.Ordinal);
            for (var i = 0; i < Columns.Count; i++) d[Columns[i]] = r[i];
            return d;
        }).ToList();
        using var stream = new MemoryStream();
        MiniExcel.SaveAs(stream, rows, sheetName: Name);
        return stream.ToArray();
    }

    private static string Format(object? v) => v switch
    {
        null => "",
        double d => d.ToString("0.######", System.Globalization.CultureInfo.InvariantCulture),
        DateTime t => t.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture),
        DateOnly t => t.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => v.ToString() ?? "",
    };

    /// <summary>Quoted when needed; a leading =, +, - or @ is neutralised so a spreadsheet never runs it as a formula.</summary>
    private static string Quote(string s)
    {
        if (s.Length > 0 && s[0] is '=' or '+' or '@' or '-' && !double.TryParse(s, System.Globalization.CultureInfo.InvariantCulture, out _)) s = "'" + s;
        return s.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : s;
    }
}
