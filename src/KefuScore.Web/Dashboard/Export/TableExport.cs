using System.Globalization;
using System.Text;
using MiniExcelLibs.Attributes;
using MiniExcelLibs.OpenXml;
using MiniExcel = MiniExcelLibs.MiniExcel;

namespace KefuScore.Web.Dashboard.Export;

/// <summary>What a column holds: text as it is, or a share (0.9373) that reads as a percentage.</summary>
public enum ExportKind { Text, Share }

/// <summary>A column of an export: its header in the reader's language and what it holds.</summary>
public sealed record ExportColumn(string Header, ExportKind Kind = ExportKind.Text)
{
    public static implicit operator ExportColumn(string header) => new(header);
}

/// <summary>A table as exported: column headers in the reader's language and rows of plain values.</summary>
public sealed record ExportTable(string Name, IReadOnlyList<ExportColumn> Columns, IReadOnlyList<object?[]> Rows)
{
    /// <summary>A share stays a number that Excel shows as a percentage (MiniExcel writes the format into the styles).</summary>
    private const string PercentFormat = "0.0%";

    /// <summary>CSV (RFC 4180) with a UTF-8 byte-order mark, so Excel on Windows reads the Chinese correctly.</summary>
    public byte[] ToCsv()
    {
        var sb = new StringBuilder();
        sb.AppendJoin(',', Columns.Select(c => Quote(c.Header))).Append("\r\n");
        foreach (var row in Rows) sb.AppendJoin(',', row.Select((v, i) => Quote(Format(v, Columns[i].Kind)))).Append("\r\n");
        return [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(sb.ToString())];
    }

    /// <summary>A workbook whose numbers stay numbers: shares are numeric cells in a percent format, not text.</summary>
    public byte[] ToXlsx()
    {
        var rows = Rows.Select(r =>
        {
            var d = new Dictionary<string, object?>(StringComparer.Ordinal);
            for (var i = 0; i < Columns.Count; i++) d[Columns[i].Header] = r[i];
            return d;
        }).ToList();
        var configuration = new OpenXmlConfiguration
        {
            DynamicColumns = [.. Columns.Where(c => c.Kind == ExportKind.Share).Select(c => new DynamicExcelColumn(c.Header) { Format = PercentFormat })],
        };
        using var stream = new MemoryStream();
        MiniExcel.SaveAs(stream, rows, sheetName: Name, configuration: configuration);
        return stream.ToArray();
    }

    private static string Format(object? v, ExportKind kind) => v switch
    {
        null => "",
        double d when kind == ExportKind.Share => d.ToString("0.0#%", CultureInfo.InvariantCulture),
        double d => d.ToString("0.######", CultureInfo.InvariantCulture),
        DateTime t => t.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
        DateOnly t => t.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => v.ToString() ?? "",
    };

    /// <summary>Quoted when needed; a leading =, +, - or @ is neutralised so a spreadsheet never runs it as a formula.</summary>
    private static string Quote(string s)
    {
        if (s.Length > 0 && s[0] is '=' or '+' or '@' or '-' && !double.TryParse(s, CultureInfo.InvariantCulture, out _)) s = "'" + s;
        return s.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : s;
    }
}
