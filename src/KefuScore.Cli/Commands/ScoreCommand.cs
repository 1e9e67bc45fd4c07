using System.CommandLine;
using System.Globalization;
using KefuScore.App.Score;
using KefuScore.Engine.Score;
using Spectre.Console;

namespace KefuScore.Cli.Commands;

/// <summary><c>kefu score</c>: the experience score (体验分) with its dimensions and indicators, what-ifs and diagnosis (docs/score.md).</summary>
internal static class ScoreCommand
{
    public static Command Create(CliOutput io)
    {
        var input = new Option<string[]>("--input", "-i") { Description = "Event file (.jsonl, .csv, .xlsx, .parquet); repeat for several", Required = true };
        var profile = new Option<string?>("--profile", "-p") { Description = "Profile with a score: section (default: douyin-feige)" };
        var version = new Option<string?>("--version") { Description = "Score version: v1 (3–5, 90 days) or v2 (50–100, 30 days; default)" };
        var industry = new Option<string?>("--industry") { Description = "Industry whose weights apply (default: default)" };
        var shop = new Option<string?>("--shop") { Description = "Shop to score when the input holds several" };
        var to = new Option<string?>("--to") { Description = "Last local date of the window, YYYY-MM-DD (default: the last date with data)" };
        var from = new Option<string?>("--from") { Description = "With --diagnose: first date of the current window; with --history: first day" };
        var whatIf = new Option<string[]>("--what-if") { Description = "KEY=VALUE: a dimension's score (service=65) or an indicator's value (reply_rate_3min=0.95); repeat", AllowMultipleArgumentsPerToken = true };
        var diagnose = new Option<bool>("--diagnose") { Description = "Explain the change against an earlier window (needs --against)" };
        var against = new Option<string?>("--against") { Description = "With --diagnose: last date of the earlier window" };
        var history = new Option<bool>("--history") { Description = "The score at the end of each day from --from to --to" };
        var format = Formats.Option("json", "table");
        var map = Inputs.MapOption();
        var command = new Command("score", "The experience score (体验分): dimensions, indicators, what-ifs, diagnosis between two periods")
        {
            input, profile, version, industry, shop, to, from, whatIf, diagnose, against, history, format, map,
        };
        command.SetAction(parse =>
        {
            var compiled = Inputs.Profile(parse.GetValue(profile) ?? "douyin-feige");
            var files = Inputs.Files(parse.GetValue(input));
            var mapping = Inputs.Mapping(parse.GetValue(map));
            try
            {
                var query = new ScoreQuery(compiled, new IndicatorDays());
                var v = query.Version(parse.GetValue(version));
                var ind = query.Industry(v, parse.GetValue(industry));
                var what = query.ParseWhatIf(parse.GetValue(whatIf) ?? []);
                var run = Inputs.Guard(() => Progress.Run(io, "读取事件 reading events", _ => ScoreRunner.Run(compiled, Inputs.Read(files, mapping))));
                query = new ScoreQuery(compiled, run.Days);
                var s = query.Shop(parse.GetValue(shop));
                var end = Inputs.Date(parse.GetValue(to), "--to") ?? query.LastDate(s);
                var json = Formats.Resolve(parse.GetValue(format), io) == "json";
                if (parse.GetValue(diagnose))
                {
                    var before = Inputs.Date(parse.GetValue(against), "--against") ?? throw new CliException("--diagnose needs --against DATE (the last day of the earlier window)");
                    var start = Inputs.Date(parse.GetValue(from), "--from");
                    if (start > end) throw new CliException("--from is after --to");
                    var x = query.Diagnose(s, v, ind, before, end, start);
                    if (json) Json.Emit(io, stream => ScoreJson.WriteDiagnosis(stream, compiled.Id, s, x));
                    else WriteDiagnosisTable(io, x);
                }
                else if (parse.GetValue(history))
                {
                    var start = Inputs.Date(parse.GetValue(from), "--from") ?? end.AddDays(-29);
                    if (start > end) throw new CliException("--from is after --to");
                    var h = query.History(s, v, ind, start, end);
                    Json.Emit(io, stream => ScoreJson.WriteHistory(stream, compiled.Id, s, h));
                }
                else
                {
                    var result = query.Score(s, v, ind, end, what);
                    if (json) Json.Emit(io, stream => ScoreJson.Write(stream, compiled.Id, s, result));
                    else WriteTable(io, result);
                }
                foreach (var r in run.Rejected.Take(20)) io.Error.WriteLine($"rejected {r.File}:{r.Line} {r.Field}: {r.Reason}");
                return run.Rejected.Count > 0 ? ExitCodes.Rejected : ExitCodes.Ok;
            }
            catch (ScoreException e)
            {
                throw new CliException(e.Message);
            }
        });
        return command;
    }

    private static string N(double? v) => v is null ? "—" : v.Value.ToString("0.##", CultureInfo.InvariantCulture);

    private static void WriteTable(CliOutput io, ScoreResult s)
    {
        var console = Consoles.For(io);
        console.MarkupLine(Markup.Escape($"体验分 experience score {s.Version} ({s.Industry}) {s.From:yyyy-MM-dd} – {s.To:yyyy-MM-dd}: {N(s.Total)} of {N(s.ScaleMin)}–{N(s.ScaleMax)}"));
        var table = new Table().Border(TableBorder.Rounded).AddColumns("dimension", "weight", "indicator", "value", "score");
        foreach (var d in s.Dimensions)
        {
            table.AddRow(d.Dimension, N(d.Weight), "", "", Markup.Escape(N(d.Score) + (d.Note is null ? "" : $" ({d.Note})")));
            foreach (var i in d.Indicators)
                table.AddRow("", "", Markup.Escape(i.Spec.Name("zh-CN")), N(i.Value is { } v ? Math.Round(v, 4) : null), N(i.Score));
        }
        console.Write(table);
    }

    private static void WriteDiagnosisTable(CliOutput io, Diagnosis x)
    {
        var console = Consoles.For(io);
        console.MarkupLine(Markup.Escape($"体验分 {N(x.Against.Total)} → {N(x.Current.Total)} ({x.Change:+0.##;-0.##;0})"));
        var table = new Table().Border(TableBorder.Rounded).AddColumns("indicator", "before", "after", "contribution", "reason", "advice", "drivers");
        foreach (var c in x.Indicators.Where(c => c.Contribution != 0).OrderBy(c => c.Contribution))
        {
            var a = Advice.For(c.Spec.Category);
            var drivers = string.Join(", ", c.Drivers.Where(d => d.Change != 0).OrderByDescending(d => Math.Abs(d.Change)).Take(3).Select(d => $"{d.Driver} {d.Change:+0.####;-0.####}"));
            table.AddRow(Markup.Escape(c.Spec.Name("zh-CN")), N(c.Against is { } b ? Math.Round(b, 4) : null), N(c.Value is { } v ? Math.Round(v, 4) : null),
                c.Contribution.ToString("+0.##;-0.##;0", CultureInfo.InvariantCulture), Markup.Escape(a.ReasonZh), Markup.Escape(a.AdviceZh), Markup.Escape(drivers));
        }
        console.Write(table);
    }
}
