using KefuScore.Engine.Text;
using System.Globalization;
using System.Text;
using KefuScore.App.Reading;
using KefuScore.App.Reports;
using KefuScore.Engine.Events;
using KefuScore.Engine.Profiles;
using KefuScore.Engine.Reconciliation;
using KefuScore.Engine.Reports;
using Sylvan.Data.Csv;

namespace KefuScore.App.Reconciliation;

/// <summary>A platform-figures file that cannot be used: file, line, field and reason, nothing half-read.</summary>
public sealed class PlatformFiguresException : Exception
{
    public PlatformFiguresException() { }
    public PlatformFiguresException(string message) : base(message) { }
    public PlatformFiguresException(string message, Exception inner) : base(message, inner) { }

    /// <summary>A problem at a place of a file (line and field where known), as the CLI prints it: <c>f.csv:3 value: …</c>.</summary>
    public PlatformFiguresException(string file, long? line, string? field, Msg text, Exception? inner = null)
        : base(Where(file, line, field) + EnglishText.Render(text), inner)
    {
        (File, Line, Field, Text) = (file, line, field, text);
    }

    public string File { get; } = "";

    public long? Line { get; }

    public string? Field { get; }

    /// <summary>The reason as a message for the reader's language, where it has one.</summary>
    public Msg? Text { get; }

    private static string Where(string file, long? line, string? field) =>
        (file.Length == 0 ? "" : line is null ? $"{file}: " : $"{file}:{line} ") + (field is null ? "" : $"{field}: ");
}

/// <summary>
/// Reads the platform's own daily figures: CSV with a header <c>date,metric,value</c> (and optionally <c>shop</c>);
/// dates YYYY-MM-DD, values as numbers or percentages (<c>85.3%</c> reads as 0.853). Any bad row fails the whole file.
/// </summary>
public static class PlatformFigures
{
    public static IReadOnlyList<PlatformFigure> Read(string path)
    {
        Stream stream;
        try { stream = File.OpenRead(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new PlatformFiguresException(path, null, null, new Msg(Codes.InputCannotRead, e.Message));
        }
        using (stream) return Read(stream, path);
    }

    /// <summary>Most figures one file may hold: ten years of twenty metrics a day is about 73,000; the answer grows with it.</summary>
    public const int MaxRows = 100_000;

    public static IReadOnlyList<PlatformFigure> Read(Stream stream, string name)
    {
        try
        {
            return ReadRows(stream, name);
        }
        catch (Exception e) when (e is CsvFormatException or CsvRecordTooLargeException)
        {
            throw new PlatformFiguresException(name, null, null, new Msg(Codes.CsvUnreadable, e.Message), e);
        }
    }

    private static List<PlatformFigure> ReadRows(Stream stream, string name)
    {
        using var text = new StreamReader(stream, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: true);
        using var csv = CsvDataReader.Create(text, new CsvDataReaderOptions { HasHeaders = true, MaxBufferSize = 1 << 20 });
        int Column(string field, bool required)
        {
            for (var i = 0; i < csv.FieldCount; i++)
                if (string.Equals(csv.GetName(i).Trim(), field, StringComparison.OrdinalIgnoreCase)) return i;
            if (required) throw new PlatformFiguresException(name, 1, field, new Msg(Codes.FiguresHeader));
            return -1;
        }
        var (date, metric, value, shop) = (Column("date", true), Column("metric", true), Column("value", true), Column("shop", false));
        var result = new List<PlatformFigure>();
        var line = 1L;
        while (csv.Read())
        {
            line++;
            if (result.Count >= MaxRows) throw new PlatformFiguresException(name, line, null, new Msg(Codes.FiguresTooMany, MaxRows));
            string Cell(int i) => i < csv.RowFieldCount ? csv.GetString(i).Trim() : "";
            var d = Cell(date);
            if (d.Length == 0 && Cell(metric).Length == 0 && Cell(value).Length == 0) continue;
            if (!DateOnly.TryParseExact(d, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
                throw new PlatformFiguresException(name, line, "date", new Msg(Codes.InputNotDate, d));
            var m = Cell(metric);
            if (m.Length == 0) throw new PlatformFiguresException(name, line, "metric", new Msg(Codes.InputEmpty));
            var v = Cell(value);
            var percent = v.EndsWith('%');
            if (!double.TryParse(percent ? v[..^1] : v, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) || !double.IsFinite(number))
                throw new PlatformFiguresException(name, line, "value", new Msg(Codes.FiguresValue, v));
            result.Add(new PlatformFigure(day, m, percent ? number / 100 : number, shop >= 0 && Cell(shop).Length > 0 ? Cell(shop) : null, line));
        }
        return result;
    }

    /// <summary>
    /// Our daily value of every profile metric for one shop: the report by day. A metric id the profile does not
    /// know is named in the error (with the known ids) rather than shown as a difference.
    /// </summary>
    public static Func<DateOnly, string, double?> Ours(CompiledProfile profile, FoldRun run, string shop, IReadOnlyList<PlatformFigure> figures, string name)
    {
        foreach (var f in figures)
            if (!profile.MetricIndex.ContainsKey(f.Metric))
                throw new PlatformFiguresException(name, f.Line, "metric", new Msg(Codes.FiguresMetric, f.Metric, profile.Id, string.Join(", ", profile.MetricIndex.Keys)));
        var report = ReportBuilder.Build(profile, run.Rollup, new ReportRequest(PeriodKind.Day, Shop: shop));
        var values = report.Shops.SelectMany(s => s.Periods)
            .SelectMany(p => p.Metrics.Select(m => (p.Start, m.Metric.Id, m.Value)))
            .ToDictionary(x => (x.Start, x.Id), x => x.Value);
        return (date, metric) => values.GetValueOrDefault((date, metric));
    }
}
