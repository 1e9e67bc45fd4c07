using System.Text.RegularExpressions;
using DuckDB.NET.Data;
using KefuScore.App.Profiles;
using KefuScore.App.Reports;
using KefuScore.Engine.Profiles;
using KefuScore.Engine.Reports;

namespace KefuScore.Bench.EndToEnd;

/// <summary>The two engines of the comparison, each from file to per-shop daily douyin figures.</summary>
public static partial class Engines
{
    /// <summary>KefuScore as <c>kefu report --by day</c> runs it: compile the profile, fold the file, build the report.</summary>
    public static (Report Report, long Events) KefuScore(string file)
    {
        var profile = ProfileCatalog.Compile("douyin");
        var run = ReportRunner.Run(profile, [file]);
        if (run.Rejected.Count > 0) throw new InvalidOperationException($"{run.Rejected.Count} lines rejected in {file}");
        return (ReportBuilder.Build(profile, run.Rollup, new ReportRequest(By: PeriodKind.Day)), run.Read);
    }

    public static List<DayFigures> Figures(Report report)
    {
        var rows = new List<DayFigures>();
        foreach (var shop in report.Shops)
        {
            foreach (var period in shop.Periods)
            {
                var m = period.Metrics.ToDictionary(v => v.Metric.Id, v => v.Cell, StringComparer.Ordinal);
                rows.Add(new DayFigures(shop.Shop, period.Period,
                    m["reply_rate_3min"].Numerator, m["reply_rate_3min"].Denominator,
                    m["avg_reply_seconds"].SumSeconds, m["avg_reply_seconds"].Count,
                    m["unanswered"].Count, m["consultations"].Count,
                    m["satisfaction_rate"].Numerator, m["dissatisfaction_rate"].Numerator, m["satisfaction_rate"].Denominator));
            }
        }
        return rows;
    }

    /// <summary>DuckDB in memory running <c>duckdb-douyin.sql</c> on the file.</summary>
    public static List<DayFigures> DuckDb(string file)
    {
        var sql = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "duckdb-douyin.sql"))
            .Replace("{file}", Path.GetFullPath(file).Replace("'", "''", StringComparison.Ordinal), StringComparison.Ordinal);
        var statements = StatementEnd().Split(sql).Select(s => s.Trim()).Where(s => s.Length > 0 && !IsComment(s)).ToList();

        using var connection = new DuckDBConnection("Data Source=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        foreach (var statement in statements[..^1])
        {
            command.CommandText = statement;
            command.ExecuteNonQuery();
        }
        command.CommandText = statements[^1];
        using var reader = command.ExecuteReader();
        var rows = new List<DayFigures>();
        while (reader.Read())
        {
            long L(int i) => Convert.ToInt64(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture);
            rows.Add(new DayFigures(reader.GetString(0), reader.GetString(1), L(2), L(3), L(4) / 1e6, L(5), L(6), L(7), L(8), L(9), L(10)));
        }
        return rows;
    }

    private static bool IsComment(string statement) => statement.Split('\n').All(l => l.TrimStart().StartsWith("--", StringComparison.Ordinal) || l.Trim().Length == 0);

    [GeneratedRegex(@";[ \t]*\r?$", RegexOptions.Multiline)]
    private static partial Regex StatementEnd();
}
