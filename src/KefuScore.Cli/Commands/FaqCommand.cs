using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using KefuScore.App.Complaints;
using KefuScore.App.Faq;
using Spectre.Console;

namespace KefuScore.Cli.Commands;

/// <summary>
/// <c>kefu faq --kb FILE --ask "…"</c>: the FAQ entries that best answer a question; <c>--test FILE</c> measures the
/// matcher's top-1 accuracy on paraphrased questions (docs/quality.md, FAQ).
/// </summary>
internal static class FaqCommand
{
    public static Command Create(CliOutput io)
    {
        var kb = new Option<string>("--kb") { Description = "FAQ knowledge base: CSV with question,answer,keywords", Required = true };
        var ask = new Option<string?>("--ask", "-q") { Description = "A customer's question" };
        var test = new Option<string?>("--test") { Description = "Test set: lines of 'question<TAB>expected FAQ question'; prints top-1 accuracy" };
        var top = new Option<int>("--top") { Description = "How many entries to show for --ask (default 3)", DefaultValueFactory = _ => 3 };
        var format = Formats.Option("json", "table");
        var command = new Command("faq", "Match a customer's question against an FAQ knowledge base (character n-grams, BM25)") { kb, ask, test, top, format };
        command.SetAction(parse =>
        {
            var question = parse.GetValue(ask);
            var testPath = parse.GetValue(test);
            if (question is null == testPath is null) throw new CliException("give either --ask \"question\" or --test FILE");
            if (parse.GetValue(top) is < 1 or > 50) throw new CliException("--top: must be from 1 to 50");
            var entries = Load(() => FaqCsv.Load(Path(parse.GetValue(kb)!, "--kb")));
            using var index = new FaqIndex(entries);
            var json = Formats.Resolve(parse.GetValue(format), io) == "json";
            if (question is not null)
            {
                var matches = index.Search(question, parse.GetValue(top));
                if (json)
                    Json.Emit(io, s => JsonSerializer.Serialize(s, new
                    {
                        question,
                        matches = matches.Select(m => new { question = m.Entry.Question, answer = m.Entry.Answer, line = m.Entry.Line, score = Math.Round(m.Score, 3), coverage = Math.Round(m.Coverage, 3) }),
                    }, ComplaintJson.Options));
                else
                {
                    var table = new Table().Border(TableBorder.Rounded).Title(Markup.Escape(question)).AddColumns("line", "question", "answer", "score", "coverage");
                    foreach (var m in matches)
                        table.AddRow(m.Entry.Line.ToString(CultureInfo.InvariantCulture), Markup.Escape(m.Entry.Question), Markup.Escape(m.Entry.Answer),
                            Formats.Number(Math.Round(m.Score, 2)), Formats.Percent(m.Coverage));
                    Consoles.For(io).Write(table);
                }
                if (matches.Count == 0) io.Error.WriteLine("no entry shares a character with the question");
                return ExitCodes.Ok;
            }
            var cases = Load(() => FaqEvaluation.ParseCases(ReadText(Path(testPath!, "--test")), testPath!, entries));
            var accuracy = FaqEvaluation.Measure(index, cases);
            var missed = accuracy.Results.Where(r => !r.Correct).ToList();
            if (json)
                Json.Emit(io, s => JsonSerializer.Serialize(s, new
                {
                    cases = accuracy.Cases, correct = accuracy.Correct, top1 = Math.Round(accuracy.Top1, 4),
                    missed = missed.Select(r => new { line = r.Case.Line, question = r.Case.Question, expected = r.Case.Expected, got = r.Top?.Entry.Question }),
                }, ComplaintJson.Options));
            else
            {
                io.Out.WriteLine($"top-1 accuracy 准确率: {accuracy.Correct}/{accuracy.Cases} = {accuracy.Top1:P1}");
                foreach (var r in missed) io.Out.WriteLine($"  line {r.Case.Line}: {r.Case.Question} → {r.Top?.Entry.Question ?? "—"} (expected {r.Case.Expected})");
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    private static string Path(string path, string option) => File.Exists(path) ? path : throw new CliException($"{option}: {path}: no such file");

    private static string ReadText(string path) => File.ReadAllText(path);

    private static T Load<T>(Func<T> load)
    {
        try
        {
            return load();
        }
        catch (FaqException e)
        {
            throw new CliException(e.Message);
        }
    }
}
