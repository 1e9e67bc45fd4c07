using System.CommandLine;
using System.Globalization;
using KefuScore.App.Learning;
using KefuScore.App.Quality;

namespace KefuScore.Cli.Commands;

/// <summary>
/// <c>kefu inspect train --labels FILE --out FILE</c>: trains an inspection model from a shop's own labelled messages
/// (issue 18); use it with <c>kefu inspect --model FILE</c>.
/// </summary>
internal static class InspectTrainCommand
{
    public static Command Create(CliOutput io)
    {
        var labels = new Option<string>("--labels") { Description = "Labelled agent messages (JSON Lines, docs/quality.md)", Required = true };
        var rules = new Option<string?>("--rules", "-r") { Description = "Inspection rules YAML whose word lists the model reads as features (default: the built-in rules)" };
        var output = new Option<string?>("--out", "-o") { Description = "Where to write the model (JSON)" };
        var cues = new Option<string?>("--cues") { Description = "Tone vocabulary YAML (default: the built-in src/KefuScore.App/Quality/cues.yaml)" };
        var cv = new Option<int?>("--cross-validate") { Description = "Instead of writing a model, print the figures of K-fold cross-validation by family, without the cue patterns written from a fold's misses (K from 2 to 20; docs/quality.md)" };
        var deals = new Option<int>("--cv-deals") { Description = "With --cross-validate: repeat it over N ways of dealing the families into folds and print the counts of all N summed, then each deal's (1: the one deal of earlier figures; decisions.md §91, §92)", DefaultValueFactory = _ => 1 };
        var l2 = new Option<float>("--l2") { Description = "L2 regularisation of the logistic outputs (default 0.0001)", DefaultValueFactory = _ => 1e-4f };
        var calibrate = new Option<int>("--calibrate") { Description = "Folds of the cross-validation that sets each rule's threshold (lowest with ≥ 90 % precision out of fold; 0: every rule at 0.5; default 5)", DefaultValueFactory = _ => InspectionTrainer.CalibrationFolds };
        var cueScale = new Option<float>("--cue-scale") { Description = $"The value of the tone cues and word-list hits in training, n-grams having 1 (default {InspectionTrainer.CueScale.ToString(CultureInfo.InvariantCulture)})", DefaultValueFactory = _ => InspectionTrainer.CueScale };
        var defaults = InspectionTrainer.DefaultTrees;
        var trees = new Option<int>("--trees") { Description = $"Boosted trees (ML.NET FastTree) stacked on the rude and overpromise outputs, over every rule's linear score and the cues and word lists present (0: the linear model alone; default {defaults.Trees}; decisions.md §87)", DefaultValueFactory = _ => defaults.Trees };
        var leaves = new Option<int>("--tree-leaves") { Description = $"Leaves per stacked tree (default {defaults.Leaves})", DefaultValueFactory = _ => defaults.Leaves };
        var rate = new Option<double>("--tree-rate") { Description = $"Learning rate of the stacked trees (default {defaults.LearningRate.ToString(CultureInfo.InvariantCulture)})", DefaultValueFactory = _ => defaults.LearningRate };
        var check = InspectCommand.CheckPartOption("Train (or cross-validate) on the readable part of seed N only: the families outside its checking part (decisions.md §93; evaluate the checking part with kefu inspect --evaluate FILE --check-part N)");
        var ruleLabels = new Option<string[]>("--rule-labels") { Description = "RULE=FILE: that rule trains on its own labelled messages instead of --labels' (repeat for several rules; its stacked trees, if any, are trained within FILE and read the model's other outputs; decisions.md §101)" };
        var ruleCues = new Option<string[]>("--rule-cues") { Description = "RULE=FILE: that rule trains with its own tone vocabulary instead of --cues' (repeat for several; the model carries the union of the vocabularies, one pattern list per cue; decisions.md §101)" };
        var format = Formats.Option("json", "table");
        var command = new Command("train", "Train an inspection model from labelled messages") { labels, rules, output, cues, cv, deals, l2, calibrate, cueScale, trees, leaves, rate, check, ruleLabels, ruleCues, format };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(labels)!;
            if (!File.Exists(path)) throw new CliException($"--labels: {path}: no such file");
            var loaded = InspectCommand.Rules(parse.GetValue(rules));
            IReadOnlyList<LabelledMessage> messages;
            try { messages = LabelledMessages.Load(path); }
            catch (LabelsException e) { throw new CliException(e.Message); }
            var vocabulary = Cues(parse.GetValue(cues));
            var vocabularyCues = vocabulary?.Cues;
            var ownLabels = RuleFiles("--rule-labels", parse.GetValue(ruleLabels));
            var ownCues = RuleFiles("--rule-cues", parse.GetValue(ruleCues));
            // One list per file, so rules given the same file share it and train together.
            var labelsOf = ownLabels.Values.Distinct(StringComparer.Ordinal).ToDictionary(f => f, f => RuleLabels(f, ownLabels), StringComparer.Ordinal);
            var cuesOf = ownCues.Values.Distinct(StringComparer.Ordinal).ToDictionary(f => f, f => RuleCues(f, ownCues), StringComparer.Ordinal);
            var perRuleCues = cuesOf.ToDictionary(c => c.Key, c => c.Value.Cues, StringComparer.Ordinal);
            if (parse.GetValue(check) is { } seed)
            {
                messages = InspectionTrainer.CheckPart(messages, seed).Readable;
                foreach (var f in labelsOf.Keys) labelsOf[f] = InspectionTrainer.CheckPart(labelsOf[f], seed).Readable;
                // The patterns written from misses are withheld when they match no readable message of any file the model learns from.
                var readable = (IReadOnlyList<LabelledMessage>)[.. messages, .. labelsOf.Values.SelectMany(m => m)];
                vocabularyCues = InspectionTrainer.CuesFor(vocabulary ?? InspectionTrainer.BuiltInVocabulary(), readable);
                foreach (var f in cuesOf.Keys) perRuleCues[f] = InspectionTrainer.CuesFor(cuesOf[f], readable);
                io.Error.WriteLine($"the readable part of seed {seed}: {messages.Count} messages");
                foreach (var (f, m) in labelsOf) io.Error.WriteLine($"the readable part of seed {seed} of {f}: {m.Count} messages");
            }
            if ((ownLabels.Count > 0 || ownCues.Count > 0) && parse.GetValue(cv) is not null)
                throw new CliException($"{(ownLabels.Count > 0 ? "--rule-labels" : "--rule-cues")}: 不能与 --cross-validate 同用 (cross-validation trains every rule on --labels and --cues)");
            var reg = parse.GetValue(l2);
            if (reg is not (>= 0 and <= 10)) throw new CliException("--l2: must be from 0 to 10");
            var calibration = parse.GetValue(calibrate);
            if (calibration is not (0 or (>= 2 and <= 20))) throw new CliException("--calibrate: must be 0 or from 2 to 20");
            var scale = parse.GetValue(cueScale);
            if (scale is not (>= 0.1f and <= 100)) throw new CliException("--cue-scale: must be from 0.1 to 100");
            var treeCount = parse.GetValue(trees);
            if (treeCount is < 0 or > 2000) throw new CliException("--trees: must be from 0 to 2000");
            var leafCount = parse.GetValue(leaves);
            if (leafCount is < 2 or > 128) throw new CliException("--tree-leaves: must be from 2 to 128");
            var learningRate = parse.GetValue(rate);
            if (learningRate is not (> 0 and <= 1)) throw new CliException("--tree-rate: must be above 0 and at most 1");
            var treeOptions = treeCount == 0 ? null : new TreeOptions(treeCount, leafCount, learningRate);
            if (parse.GetValue(cv) is { } folds)
            {
                if (folds is < 2 or > 20) throw new CliException("--cross-validate: must be from 2 to 20");
                var dealCount = parse.GetValue(deals);
                if (dealCount is < 1 or > 20) throw new CliException("--cv-deals: must be from 1 to 20");
                List<InspectionFigures> perDeal;
                try { perDeal = [.. Enumerable.Range(0, dealCount).Select(d => InspectionTrainer.CrossValidate(loaded, messages, folds, vocabulary, reg, calibration, scale, treeOptions, d))]; }
                catch (LabelsException e) { throw new CliException($"{path}: {e.Message}"); }
                var title = dealCount == 1 ? $"{folds}-fold cross-validation on {messages.Count} messages" : $"{folds}-fold cross-validation on {messages.Count} messages, {dealCount} deals summed";
                return InspectCommand.Print(io, InspectionEvaluation.Sum(perDeal), Formats.Resolve(parse.GetValue(format), io) == "json", title, dealCount == 1 ? null : perDeal);
            }
            var outPath = parse.GetValue(output) ?? throw new CliException("--out: where to write the model is required (or --cross-validate K)");
            InspectionTraining training;
            if (ownLabels.Count > 0 || ownCues.Count > 0)
            {
                var own = LabelledMessages.Rules.Where(r => ownLabels.ContainsKey(r) || ownCues.ContainsKey(r)).ToDictionary(r => r,
                    r => new RuleData(ownLabels.TryGetValue(r, out var f) ? labelsOf[f] : null, ownCues.TryGetValue(r, out var c) ? perRuleCues[c] : null), StringComparer.Ordinal);
                try { training = InspectionTrainer.TrainPerRule(loaded, messages, vocabularyCues, own, l2: reg, calibrate: calibration, cueScale: scale, trees: treeOptions); }
                catch (LabelsException e) { throw new CliException(PerRuleProblem(e, ownLabels, ownCues, path)); }
            }
            else
            {
                try { training = InspectionTrainer.Train(loaded, messages, vocabularyCues, l2: reg, calibrate: calibration, cueScale: scale, trees: treeOptions); }
                catch (LabelsException e) { throw new CliException($"{path}: {e.Message}"); }
            }
            var trained = new Dictionary<string, string>
            {
                ["labels"] = Path.GetFileName(path),
                ["messages"] = messages.Count.ToString(CultureInfo.InvariantCulture),
            };
            if (parse.GetValue(check) is { } part) trained["readable_part_of"] = part.ToString(CultureInfo.InvariantCulture);
            foreach (var (rule, f) in ownLabels) trained["labels_of_" + rule] = Path.GetFileName(f);
            foreach (var (rule, f) in ownCues) trained["cues_of_" + rule] = Path.GetFileName(f);
            TextModelFile.Save(outPath, InspectionTrainer.Kind, training.Model, trained);
            io.Error.WriteLine($"trained {string.Join(", ", training.Model.Outputs.Select(o => o.Label))} on {messages.Count} messages → {outPath}");
            if (training.Skipped.Count > 0) io.Error.WriteLine($"not learned (no labelled examples of both kinds): {string.Join(", ", training.Skipped)}; the word lists decide those");
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>
    /// <c>--rule-labels</c> or <c>--rule-cues</c> values, RULE=FILE each, by rule: the rule a text rule, given once, the
    /// file there. The messages name the option, the value and why, in Chinese first.
    /// </summary>
    private static Dictionary<string, string> RuleFiles(string option, string[]? values)
    {
        var byRule = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var value in values ?? [])
        {
            var eq = value.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0 || eq == value.Length - 1) throw new CliException($"{option} '{value}': 应为 规则=文件 (expected RULE=FILE, e.g. rude=rude-labels.jsonl)");
            var (rule, file) = (value[..eq].Trim(), value[(eq + 1)..].Trim());
            if (!LabelledMessages.Rules.Contains(rule))
                throw new CliException($"{option} '{value}': 没有这条文本规则 '{rule}' (unknown rule; text rules: {string.Join(", ", LabelledMessages.Rules)})");
            if (byRule.ContainsKey(rule)) throw new CliException($"{option} '{value}': 规则 '{rule}' 重复指定 (rule given twice)");
            if (!File.Exists(file)) throw new CliException($"{option} '{value}': 文件不存在 {file} (no such file)");
            byRule[rule] = file;
        }
        return byRule;
    }

    private static IReadOnlyList<LabelledMessage> RuleLabels(string file, Dictionary<string, string> byRule)
    {
        try { return LabelledMessages.Load(file); }
        catch (LabelsException e) { throw new CliException($"--rule-labels {Given(file, byRule)}: 标注文件有误 (bad labels): {e.Message}"); }
    }

    private static CueVocabulary RuleCues(string file, Dictionary<string, string> byRule)
    {
        try { return CueLoader.LoadVocabulary(file); }
        catch (KefuScore.App.Yaml.YamlFileException e) { throw new CliException($"--rule-cues {Given(file, byRule)}: 词表有误 (bad cues): {e.Message}"); }
    }

    private static string Given(string file, Dictionary<string, string> byRule) =>
        string.Join(", ", byRule.Where(r => r.Value == file).Select(r => $"{r.Key}={file}"));

    // The library's refusal of per-rule training said again with the option and file it concerns.
    private static string PerRuleProblem(LabelsException e, Dictionary<string, string> ownLabels, Dictionary<string, string> ownCues, string labels)
    {
        if (e.Cue is not null)
            return $"--rule-cues {string.Join(", ", ownCues.Select(r => $"{r.Key}={r.Value}"))}: 语气词表冲突 (conflicting cues): {e.Message}";
        if (e.Rule is { } rule && ownLabels.TryGetValue(rule, out var file))
            return $"--rule-labels {rule}={file}: {(e.NoExamples ? "该文件没有可学的正反两类样本" : "无法训练")} ({e.Message})";
        return $"{labels}: {e.Message}";
    }

    private static CueVocabulary? Cues(string? path)
    {
        if (path is null) return null;
        if (!File.Exists(path)) throw new CliException($"--cues: {path}: no such file");
        try { return CueLoader.LoadVocabulary(path); }
        catch (KefuScore.App.Yaml.YamlFileException e) { throw new CliException($"cues {e.Message}"); }
    }
}
