using System.CommandLine;
using System.Globalization;
using KefuScore.App.Faq;
using KefuScore.App.Learning;

namespace KefuScore.Cli.Commands;

/// <summary>
/// <c>kefu faq train --kb FILE --questions FILE --out FILE</c>: trains the learned FAQ matcher on a shop's knowledge
/// base and its customers' questions (issue 18), with the answering threshold calibrated by cross-validation; use it
/// with <c>kefu faq --model FILE</c>.
/// </summary>
internal static class FaqTrainCommand
{
    public static Command Create(CliOutput io)
    {
        var kb = new Option<string>("--kb") { Description = "FAQ knowledge base: CSV with question,answer,keywords", Required = true };
        var questions = new Option<string>("--questions") { Description = "Customer questions: lines of 'question<TAB>expected FAQ question'", Required = true };
        var output = new Option<string?>("--out", "-o") { Description = "Where to write the model (JSON)" };
        var cv = new Option<int?>("--cross-validate") { Description = "Instead of writing a model, print the top-1 accuracy of K-fold cross-validation by group on the questions (K from 2 to 20)" };
        var precision = new Option<double?>("--precision") { Description = $"The share of sent answers that must be right in the cross-validation the threshold is calibrated on (default {FaqModel.TargetPrecision.ToString(CultureInfo.InvariantCulture)})" };
        var intents = FaqCommand.IntentsOption();
        var command = new Command("train", "Train the FAQ matcher on a knowledge base and customer questions") { kb, questions, output, cv, precision, intents };
        command.SetAction(parse =>
        {
            var kbPath = FaqCommand.Path(parse.GetValue(kb)!, "--kb");
            var entries = FaqCommand.Load(() => FaqCsv.Load(kbPath));
            var questionsPath = FaqCommand.Path(parse.GetValue(questions)!, "--questions");
            var cases = FaqCommand.Load(() => FaqEvaluation.ParseCases(FaqCommand.ReadText(questionsPath), questionsPath, entries));
            var vocabulary = FaqCommand.Intents(parse.GetValue(intents));
            var target = parse.GetValue(precision) ?? FaqModel.TargetPrecision;
            if (target is <= 0 or > 1) throw new CliException("--precision: must be above 0 and at most 1");
            if (parse.GetValue(cv) is { } folds)
            {
                if (folds is < 2 or > 20) throw new CliException("--cross-validate: must be from 2 to 20");
                var scored = FaqModel.CrossValidate(entries, cases, vocabulary ?? FaqModel.BuiltInIntents(), folds);
                var right = scored.Count(s => s.Right);
                io.Out.WriteLine($"{folds}-fold cross-validation by group: top-1 {right}/{scored.Count} = {(scored.Count == 0 ? 0 : right / (double)scored.Count).ToString("P1", CultureInfo.InvariantCulture)}");
                // The threshold as training calibrates it, measured on folds it was not calibrated on (nested).
                var sent = FaqModel.CrossValidateSent(entries, cases, vocabulary ?? FaqModel.BuiltInIntents(), folds, target);
                io.Out.WriteLine($"at the threshold calibrated for precision {target.ToString(CultureInfo.InvariantCulture)}: answered {sent.Answered}/{sent.Questions}, right {sent.Right}/{sent.Answered} = {(sent.Answered == 0 ? "—" : (sent.Right / (double)sent.Answered).ToString("P1", CultureInfo.InvariantCulture))}");
                // The misses are what a shop adds keywords, intents or questions for (stderr: stdout stays the figure).
                foreach (var miss in scored.Where(s => !s.Right))
                    io.Error.WriteLine($"miss: line {miss.Case.Line}: {miss.Case.Question} → {miss.Chosen ?? "(none)"} (expected {miss.Case.Expected}, p {miss.Confidence.ToString("0.00", CultureInfo.InvariantCulture)})");
                return ExitCodes.Ok;
            }
            var outPath = parse.GetValue(output) ?? throw new CliException("--out: where to write the model is required (or --cross-validate K)");
            var model = FaqModel.Train(entries, cases, vocabulary, precision: target);
            TextModelFile.Save(outPath, FaqModel.Kind, model.Model, new Dictionary<string, string>
            {
                ["kb"] = System.IO.Path.GetFileName(kbPath),
                ["questions"] = cases.Count.ToString(CultureInfo.InvariantCulture),
            });
            io.Error.WriteLine($"trained on {entries.Count} entries and {cases.Count} questions; answers at probability ≥ {model.Threshold.ToString("0.####", CultureInfo.InvariantCulture)} → {outPath}");
            return ExitCodes.Ok;
        });
        return command;
    }
}
