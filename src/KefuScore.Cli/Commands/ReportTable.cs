using KefuScore.App.Reports;
using KefuScore.Engine.Profiles;
using KefuScore.Engine.Reports;
using Spectre.Console;

namespace KefuScore.Cli.Commands;

/// <summary>The report for a person: one table per shop (and agent), verdicts in colour.</summary>
internal static class ReportTable
{
    public static void Write(CliOutput io, Report report, FoldRun run)
    {
        var console = Consoles.For(io);
        console.MarkupLine($"[bold]{Markup.Escape(report.Profile)}[/] · {Markup.Escape(report.TimeZone)} · 事件 events {run.Read:N0} · 重复 duplicates {run.Duplicates:N0} · 拒绝 rejected {run.Rejected.Count:N0}");
        foreach (var shop in report.Shops)
        {
            console.Write(Table($"店铺 shop {shop.Shop}", shop.Periods));
            foreach (var agent in shop.Agents) console.Write(Table($"客服 agent {agent.Agent}", agent.Periods));
        }
    }

    private static Table Table(string title, IReadOnlyList<PeriodReport> periods)
    {
        var table = new Table().Title(Markup.Escape(title)).Border(TableBorder.Rounded);
        table.AddColumn("period");
        var metrics = periods.SelectMany(p => p.Metrics.Select(m => m.Metric.Id)).Distinct().ToList();
        var rules = periods.SelectMany(p => p.Verdicts.Select(v => v.Rule)).Distinct().ToList();
        foreach (var m in metrics) table.AddColumn(new TableColumn(Markup.Escape(m)).RightAligned());
        foreach (var r in rules) table.AddColumn(Markup.Escape(r));
        foreach (var p in periods)
        {
            var cells = new List<string> { p.Period };
            foreach (var id in metrics)
            {
                var m = p.Metrics.FirstOrDefault(x => x.Metric.Id == id);
                cells.Add(m is null ? "" : m.Metric.Shape == MetricShape.Rate ? Formats.Percent(m.Value) : Formats.Number(m.Value));
            }
            foreach (var rule in rules)
            {
                var v = p.Verdicts.FirstOrDefault(x => x.Rule == rule);
                cells.Add(v is null ? "" : v.Status switch
                {
                    VerdictStatus.Pass => "[green]pass[/]",
                    VerdictStatus.Fail => $"[red]fail{(v.Consequence is { } c ? " " + Markup.Escape(Describe(c)) : "")}[/]",
                    _ => "[grey]—[/]",
                });
            }
            table.AddRow(cells.ToArray());
        }
        return table;
    }

    public static string Describe(Consequence c) => c.Kind switch
    {
        "fine" => $"罚款 {c.Amount:0} 元",
        "campaign_ban" => "不能参加平台活动",
        "points" => $"扣 {c.Points} 分",
        "restriction" => "限制部分功能",
        "warning" => "预警",
        "badge" => "获得标识",
        _ => c.Kind,
    };
}

/// <summary>Spectre consoles over our writers; wide when not at a terminal so tables are not squeezed.</summary>
internal static class Consoles
{
    public static IAnsiConsole For(CliOutput io)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(io.Out),
            Interactive = InteractionSupport.No,
            Ansi = io.Interactive ? AnsiSupport.Detect : AnsiSupport.No,
        });
        if (!io.Interactive) console.Profile.Width = 240;
        return console;
    }
}

/// <summary>The report as CSV: one row per shop (or agent), period and metric.</summary>
internal static class ReportCsv
{
    public static void Write(TextWriter output, Report report)
    {
        output.WriteLine("shop,agent,period,metric,numerator,denominator,sum,count,value");
        foreach (var shop in report.Shops)
        {
            Rows(output, shop.Shop, "", shop.Periods);
            foreach (var a in shop.Agents) Rows(output, shop.Shop, a.Agent, a.Periods);
        }
    }

    private static void Rows(TextWriter output, string shop, string agent, IReadOnlyList<PeriodReport> periods)
    {
        foreach (var p in periods)
            foreach (var m in p.Metrics)
                output.WriteLine(string.Join(',', Quote(shop), Quote(agent), p.Period, m.Metric.Id,
                    m.Cell.Numerator, m.Cell.Denominator, Formats.Number(m.Cell.SumSeconds), m.Cell.Count,
                    m.Value is { } v ? v.ToString("R", System.Globalization.CultureInfo.InvariantCulture) : ""));
    }

    private static string Quote(string s) => s.AsSpan().IndexOfAny(",\"\n\r") >= 0 ? $"\"{s.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : s;
}
