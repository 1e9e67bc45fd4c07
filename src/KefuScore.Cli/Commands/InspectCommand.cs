using System.CommandLine;
using KefuScore.App.Learning;
using KefuScore.App.Quality;
using KefuScore.App.Yaml;
using KefuScore.Engine.Quality;
using Spectre.Console;

namespace KefuScore.Cli.Commands;

/// <summary>
/// <c>kefu inspect</c>: quality inspection (质检) of agents' messages; findings and scores per agent (issue 7), with the
/// built-in learned model or a shop's own (issue 18). <c>--evaluate FILE</c> measures it on labelled messages;
/// <c>kefu inspect train</c> trains a model from them (<see cref="InspectTrainCommand"/>).
/// </summary>
internal static class InspectCommand
{
    public static Command Create(CliOutput io)
    {
        var input = new Option<string[]>("--input", "-i") { Description = "Event file (.jsonl, .csv, .xlsx, .parquet); repeat for several" };
        var evaluate = new Option<string?>("--evaluate") { Description = "Labelled messages (JSON Lines): print precision, recall and F1 per rule instead of inspecting events" };
        var rules = new Option<string?>("--rules", "-r") { Description = "Inspection rules YAML (default: the built-in rules, docs/quality.md)" };
        var model = ModelOption();
        var format = Formats.Option("json", "table");
        var map = Inputs.MapOption();
        var check = CheckPartOption("With --evaluate: only the checking part of seed N, the families a candidate trained with kefu inspect train --check-part N never saw (decisions.md §93)");
        var command = new Command("inspect", "Inspect agents' messages against service norms: findings with evidence, scores per agent") { input, evaluate, rules, model, format, map, check };
        command.Subcommands.Add(InspectTrainCommand.Create(io));
        command.SetAction(parse =>
        {
            var files = parse.GetValue(input) ?? [];
            var labelled = parse.GetValue(evaluate);
            if ((files.Length == 0) == (labelled is null)) throw new CliException("give either --input FILE… (events to inspect) or --evaluate FILE (labelled messages)");
            var rulesPath = parse.GetValue(rules);
            var loaded = Rules(rulesPath);
            // The built-in model learned with the built-in word lists as features: a shop's own rules file goes alone
            // unless a model is named too.
            var inspector = new Inspector(loaded, Model(parse.GetValue(model) ?? (rulesPath is null ? null : "none")));
            if (labelled is not null) return Evaluate(io, inspector, labelled, Formats.Resolve(parse.GetValue(format), io) == "json", parse.GetValue(check));
            if (parse.GetValue(check) is not null) throw new CliException("--check-part: only with --evaluate FILE");
            var mapping = Inputs.Mapping(parse.GetValue(map));
            var read = Inputs.Files(files);
            var run = Inputs.Guard(() => Progress.Run(io, "质检 inspecting", _ => InspectionRunner.Run(inspector, Inputs.Read(read, mapping))));
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

    public static Option<string?> ModelOption() =>
        new("--model") { Description = "Inspection model (kefu inspect train --out); 'none' for the word lists alone (default: the built-in model with the built-in rules, none with --rules)" };

    /// <summary>The model named by --model: the built-in one by default, none with 'none'.</summary>
    public static LinearTextModel? Model(string? path)
    {
        if (path is null) return InspectionLoader.BuiltInModel();
        if (path == "none") return null;
        if (!File.Exists(path)) throw new CliException($"--model: {path}: no such file");
        try
        {
            return TextModelFile.Load(path, InspectionTrainer.Kind);
        }
        catch (TextModelException e)
        {
            throw new CliException(e.Message);
        }
    }

    /// <summary>The seed of a checking part (decisions.md §93), for training and evaluation alike.</summary>
    public static Option<int?> CheckPartOption(string description) => new("--check-part") { Description = description };

    private static int Evaluate(CliOutput io, Inspector inspector, string path, bool json, int? checkPart)
    {
        if (!File.Exists(path)) throw new CliException($"--evaluate: {path}: no such file");
        IReadOnlyList<LabelledMessage> messages;
        try { messages = LabelledMessages.Load(path); }
        catch (LabelsException e) { throw new CliException(e.Message); }
        if (checkPart is { } seed) messages = InspectionTrainer.CheckPart(messages, seed).Checking;
        return Print(io, InspectionEvaluation.Evaluate(inspector, messages), json, checkPart is null ? $"{messages.Count} messages" : $"{messages.Count} messages of the checking part of seed {checkPart}");
    }

    /// <summary>Prints evaluation figures: JSON, or a table with the polite first replies' rate and the first errors.</summary>
    public static int Print(CliOutput io, InspectionFigures figures, bool json, string title, IReadOnlyList<InspectionFigures>? deals = null)
    {
        if (json) Json.Emit(io, s => InspectionFiguresJson.Write(s, figures, deals));
        else
        {
            var table = new Table().Border(TableBorder.Rounded).Title(Markup.Escape($"质检评估 evaluation: {title}"))
                .AddColumns("rule", "messages", "labelled", "flagged right", "flagged wrong", "missed", "precision", "recall", "F1");
            foreach (var r in figures.Rules)
                table.AddRow(r.Rule, N(r.Messages), N(r.Positives), N(r.TruePositives), N(r.FalsePositives), N(r.FalseNegatives), Formats.Number(Round(r.Precision)), Formats.Number(Round(r.Recall)), Formats.Number(Round(r.F1)));
            Consoles.For(io).Write(table);
            io.Out.WriteLine($"polite first replies flagged 礼貌首句被误判: {figures.PoliteFirstRepliesFlagged}/{figures.PoliteFirstReplies} = {Formats.Percent(figures.PoliteFlaggedRate)}");
            // Each deal's F1 per rule: a difference between settings smaller than the spread between deals is luck.
            for (var d = 0; deals is not null && d < deals.Count; d++)
                io.Out.WriteLine($"deal {d}: {string.Join(", ", deals[d].Rules.Select(r => $"{r.Rule} F1 {Formats.Number(Round(r.F1))}"))}; polite first replies flagged {deals[d].PoliteFirstRepliesFlagged}");
            foreach (var (m, found) in figures.Errors.Take(30))
                io.Out.WriteLine($"  line {m.Line}: {m.Text}{(m.Turn.Count > 0 ? " / " + string.Join(" / ", m.Turn) : "")} → [{string.Join(",", found.Order(StringComparer.Ordinal))}] (labelled [{string.Join(",", m.Labels.Order(StringComparer.Ordinal))}])");
            if (figures.Errors.Count > 30) io.Out.WriteLine($"  … and {figures.Errors.Count - 30} more");
        }
        return ExitCodes.Ok;

        static string N(int n) => n.ToString(System.Globalization.CultureInfo.InvariantCulture);
        static double? Round(double? v) => v is { } x ? Math.Round(x, 3) : null;
    }

    public static InspectionRules Rules(string? path)
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
