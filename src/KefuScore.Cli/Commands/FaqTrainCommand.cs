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
        var output = new Option<string>("--out", "-o") { Description = "Where to write the model (JSON)", Required = true };
        var intents = FaqCommand.IntentsOption();
        var command = new Command("train", "Train the FAQ matcher on a knowledge base and customer questions") { kb, questions, output, intents };
        command.SetAction(parse =>
        {
            var kbPath = FaqCommand.Path(parse.GetValue(kb)!, "--kb");
            var entries = FaqCommand.Load(() => FaqCsv.Load(kbPath));
            var questionsPath = FaqCommand.Path(parse.GetValue(questions)!, "--questions");
            var cases = FaqCommand.Load(() => FaqEvaluation.ParseCases(FaqCommand.ReadText(questionsPath), questionsPath, entries));
            var model = FaqModel.Train(entries, cases, FaqCommand.Intents(parse.GetValue(intents)));
            var outPath = parse.GetValue(output)!;
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
