using System.CommandLine;
using System.Globalization;
using KefuScore.App.Reconciliation;
using KefuScore.App.Reports;
using KefuScore.Engine.Reconciliation;
using Spectre.Console;

namespace KefuScore.Cli.Commands;

/// <summary><c>kefu reconcile</c>: the platform's own daily figures beside ours, per day and metric, with the difference.</summary>
internal static class ReconcileCommand
{
    public static Command Create(CliOutput io)
    {
        var input = new Option<string[]>("--input", "-i") { Description = "Event file (.jsonl, .csv, .xlsx, .parquet); repeat for several", Required = true };
        var platform = new Option<string>("--platform") { Description = "The platform's daily figures: CSV with date,metric,value (and optionally shop)", Required = true };
        var profile = new Option<string?>("--profile", "-p") { Description = "Built-in profile id or a YAML file (default: douyin)" };
        var shop = new Option<string?>("--shop") { Description = "Shop to compare when the input holds several" };
        var tolerance = new Option<double?>("--tolerance") { Description = "Largest difference still counted as a match (default: 0.001 for rates, 0.5 s for averages, 0 for counts)" };
        var format = Formats.Option("json", "table");
        var map = Inputs.MapOption();
        var threads = Inputs.ThreadsOption();
        var command = new Command("reconcile", "Compare the platform's own daily figures with ours: per day and metric, both numbers and the difference")
        {
            input, platform, profile, shop, tolerance, format, map, threads,
        };
        command.SetAction(parse =>
        {
            var compiled = Inputs.Profile(parse.GetValue(profile));
            var files = Inputs.Files(parse.GetValue(input));
            var figuresPath = parse.GetValue(platform)!;
            var mapping = Inputs.Mapping(parse.GetValue(map));
            try
            {
                var figures = PlatformFigures.Read(figuresPath);
                var run = Inputs.Guard(() => Progress.Run(io, "读取事件 reading events", p => ReportRunner.Run(compiled, files, mapping, parse.GetValue(threads), agents: false, progress: p)));
                var shops = run.Rollup.Shops.ToList();
                var s = parse.GetValue(shop) ?? figures.Select(f => f.Shop).FirstOrDefault(x => x is not null)
                    ?? (shops.Count == 1 ? shops[0] : throw new CliException(shops.Count == 0 ? "no events to compare" : $"the input holds several shops ({string.Join(", ", shops)}): name one with --shop"));
                var ours = PlatformFigures.Ours(compiled, run, s, figures.Where(f => f.Shop is null || f.Shop == s).ToList(), figuresPath);
                var (rows, metrics) = Reconciler.Compare(figures.Where(f => f.Shop is null || f.Shop == s), ours, ReconcileJson.Tolerance(compiled, parse.GetValue(tolerance)));
                if (Formats.Resolve(parse.GetValue(format), io) == "json")
                    Json.Emit(io, stream => ReconcileJson.Write(stream, compiled.Id, s, rows, metrics));
                else
                {
                    var table = new Table().Border(TableBorder.Rounded).Title("对账 platform vs ours").AddColumns("date", "metric", "platform 平台", "ours 我们", "difference 差异", "");
                    foreach (var r in rows)
                        table.AddRow(r.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), Markup.Escape(r.Metric), Formats.Number(Math.Round(r.Platform, 4)),
                            Formats.Number(r.Ours is { } o ? Math.Round(o, 4) : null), Formats.Number(r.Difference is { } d ? Math.Round(d, 4) : null), r.Matches ? "✓" : "✗");
                    Consoles.For(io).Write(table);
                }
                foreach (var r in run.Rejected.Take(20)) io.Error.WriteLine($"rejected {r.File}:{r.Line} {r.Field}: {r.Reason}");
                return run.Rejected.Count > 0 ? ExitCodes.Rejected : ExitCodes.Ok;
            }
            catch (PlatformFiguresException e)
            {
                throw new CliException(e.Message);
            }
        });
        return command;
    }
}
