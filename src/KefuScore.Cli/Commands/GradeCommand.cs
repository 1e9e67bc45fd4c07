using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using KefuScore.App.Complaints;
using KefuScore.App.Incentives;
using KefuScore.App.Reports;
using KefuScore.App.Yaml;
using KefuScore.Engine.Incentives;
using KefuScore.Engine.Profiles;
using KefuScore.Engine.Reports;
using Spectre.Console;

namespace KefuScore.Cli.Commands;

/// <summary>
/// <c>kefu grade</c>: 客服评定 and rewards for a period: each agent's grade, contest rank and reward from the agents'
/// report figures and the complaints naming them (docs/quality.md, incentives).
/// </summary>
internal static class GradeCommand
{
    public static Command Create(CliOutput io)
    {
        var input = new Option<string[]>("--input", "-i") { Description = "Event file (.jsonl, .csv, .xlsx, .parquet); repeat for several", Required = true };
        var rules = new Option<string?>("--rules", "-r") { Description = "Incentive rules YAML (default: the built-in rules)" };
        var profile = new Option<string?>("--profile", "-p") { Description = "Profile id or YAML path for the figures (default: douyin)" };
        var from = new Option<string?>("--from") { Description = "First day of the period (YYYY-MM-DD)" };
        var to = new Option<string?>("--to") { Description = "Last day of the period (YYYY-MM-DD)" };
        var format = Formats.Option("json", "table");
        var map = Inputs.MapOption();
        var threads = Inputs.ThreadsOption();
        var command = new Command("grade", "Grade agents, rank them in the contest and compute their rewards for a period") { input, rules, profile, from, to, format, map, threads };
        command.SetAction(parse =>
        {
            var loaded = Rules(parse.GetValue(rules));
            var compiled = Inputs.Profile(parse.GetValue(profile));
            var files = Inputs.Files(parse.GetValue(input));
            var mapping = Inputs.Mapping(parse.GetValue(map));
            var (fromDate, toDate) = (Inputs.Date(parse.GetValue(from), "--from"), Inputs.Date(parse.GetValue(to), "--to"));
            if (fromDate > toDate) throw new CliException("--from: must not be after --to");
            var run = Inputs.Guard(() => Progress.Run(io, "读取事件 reading events", p => ReportRunner.Run(compiled, files, mapping, parse.GetValue(threads), progress: p)));
            var report = ReportBuilder.Build(compiled, run.Rollup, new ReportRequest(PeriodKind.Day, fromDate, toDate, Agents: true));
            // Complaints in the period, by the day of their time in the profile's zone.
            var complaints = Inputs.Guard(() => AgentFiguresBuilder.FromEvents(Inputs.Read(files, mapping).Where(i => i.Event is not null).Select(i => i.Event!)
                .Where(e => InPeriod(DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(e.At, compiled.Zone).DateTime), fromDate, toDate))).ToList());
            var figures = AgentFiguresBuilder.Build(report, complaints);
            var standings = IncentiveCalculator.Evaluate(loaded, figures);
            if (Formats.Resolve(parse.GetValue(format), io) == "json")
                Json.Emit(io, s => JsonSerializer.Serialize(s, new
                {
                    profile = compiled.Id,
                    from = fromDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    to = toDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    contest = loaded.Contest?.Name,
                    agents = standings.Select(x => new
                    {
                        agent = x.Agent, grade = x.Grade.Id, grade_name = x.Grade.Name, rank = x.Rank, reward = x.Reward,
                        @base = x.Base, bonus = x.Bonus, deduction = x.Deduction, prize = x.Prize,
                        figures = figures.First(f => f.Agent == x.Agent).Values.OrderBy(v => v.Key, StringComparer.Ordinal).ToDictionary(v => v.Key, v => Math.Round(v.Value, 4)),
                    }),
                }, ComplaintJson.Options));
            else
            {
                var table = new Table().Border(TableBorder.Rounded).Title("客服评定 grades and rewards")
                    .AddColumns("agent", "grade", "rank", "base", "bonus", "deduction", "prize", "reward");
                foreach (var x in standings)
                    table.AddRow(Markup.Escape(x.Agent), Markup.Escape($"{x.Grade.Name} {x.Grade.Id}"), x.Rank?.ToString(CultureInfo.InvariantCulture) ?? "—",
                        Formats.Number(x.Base), Formats.Number(x.Bonus), Formats.Number(x.Deduction), Formats.Number(x.Prize), Formats.Number(x.Reward));
                Consoles.For(io).Write(table);
            }
            foreach (var r in run.Rejected.Take(20)) io.Error.WriteLine($"rejected {r.File}:{r.Line} {r.Field}: {r.Reason}");
            return run.Rejected.Count > 0 ? ExitCodes.Rejected : ExitCodes.Ok;
        });
        return command;
    }

    private static bool InPeriod(DateOnly day, DateOnly? from, DateOnly? to) => (from is null || day >= from) && (to is null || day <= to);

    private static IncentiveRules Rules(string? path)
    {
        try
        {
            if (path is null) return IncentivesLoader.BuiltIn();
            if (!File.Exists(path)) throw new CliException($"--rules: {path}: no such file");
            return IncentivesLoader.Load(path);
        }
        catch (YamlFileException e)
        {
            throw new CliException($"rules {e.Message}");
        }
    }
}
