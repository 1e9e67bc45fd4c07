using System.CommandLine;
using KefuScore.App.Quality;
using KefuScore.App.Yaml;
using KefuScore.Engine.Quality;
using Spectre.Console;

namespace KefuScore.Cli.Commands;

/// <summary><c>kefu inspect</c>: quality inspection (质检) of agents' messages; findings and scores per agent (issue 7).</summary>
internal static class InspectCommand
{
    public static Command Create(CliOutput io)
    {
        var input = new Option<string[]>("--input", "-i") { Description = "Event file (.jsonl, .csv, .xlsx, .parquet); repeat for several", Required = true };
        var rules = new Option<string?>("--rules", "-r") { Description = "Inspection rules YAML (default: the built-in rules, docs/quality.md)" };
        var format = Formats.Option("json", "table");
        var map = Inputs.MapOption();
        var command = new Command("inspect", "Inspect agents' messages against service norms: findings with evidence, scores per agent") { input, rules, format, map };
        command.SetAction(parse =>
        {
            var loaded = Rules(parse.GetValue(rules));
            var files = Inputs.Files(parse.GetValue(input));
            var mapping = Inputs.Mapping(parse.GetValue(map));
            var run = Inputs.Guard(() => Progress.Run(io, "质检 inspecting", _ => InspectionRunner.Run(loaded, Inputs.Read(files, mapping))));
            if (Formats.Resolve(parse.GetValue(format), io) == "json")
                Json.Emit(io, s => InspectionRunner.WriteJson(s, run.Inspection));
            else
                WriteTable(io, run.Inspection);
            foreach (var r in run.Rejected.Take(20)) io.Error.WriteLine($"rejected {r.File}:{r.Line} {r.Field}: {r.Reason}");
            if (run.Rejected.Count > 20) io.Error.WriteLine($"… and {run.Rejected.Count - 20} more rejected lines");
            return run.Rejected.Count > 0 ? ExitCodes.Rejected : ExitCodes.Ok;
        });
        return command;
    }

    private static InspectionRules Rules(string? path)
    {
        try
        {
            if (path is null) return InspectionLoader.BuiltIn();
            if (!File.Exists(path)) throw new CliException($"--rules: {path}: no such file");
            return InspectionLoader.Load(path);
        }
        catch (YamlFileException e)
        {
            throw new CliException($"rules {e.Message}");
        }
    }

    private static void WriteTable(CliOutput io, Inspection inspection)
    {
        var console = Consoles.For(io);
        var findings = new Table().Border(TableBorder.Rounded).Title("质检发现 findings")
            .AddColumns("time", "shop", "conversation", "message", "agent", "rule", "evidence");
        foreach (var f in inspection.Findings)
            findings.AddRow(Markup.Escape(f.At.ToString("yyyy-MM-dd HH:mm:ss zzz", System.Globalization.CultureInfo.InvariantCulture)), Markup.Escape(f.Shop),
                Markup.Escape(f.Conversation), Markup.Escape(f.Message), Markup.Escape(f.Agent), f.Rule, Markup.Escape(f.Evidence));
        console.Write(findings);
        var agents = new Table().Border(TableBorder.Rounded).Title("客服质检分 agents").AddColumns("agent", "messages", "findings", "score");
        foreach (var (agent, s) in inspection.Agents.OrderBy(a => a.Key, StringComparer.Ordinal))
            agents.AddRow(Markup.Escape(agent), s.Messages.ToString(System.Globalization.CultureInfo.InvariantCulture),
                s.Findings.ToString(System.Globalization.CultureInfo.InvariantCulture), Formats.Number(Math.Round(s.Score, 1)));
        console.Write(agents);
        var conversations = new Table().Border(TableBorder.Rounded).Title("会话质检分 conversations (with findings)").AddColumns("shop", "conversation", "messages", "findings", "score");
        foreach (var c in inspection.Conversations.Where(c => c.Score.Findings > 0))
            conversations.AddRow(Markup.Escape(c.Shop), Markup.Escape(c.Conversation), c.Score.Messages.ToString(System.Globalization.CultureInfo.InvariantCulture),
                c.Score.Findings.ToString(System.Globalization.CultureInfo.InvariantCulture), Formats.Number(Math.Round(c.Score.Score, 1)));
        console.Write(conversations);
    }
}
