using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using KefuScore.App.Complaints;
using KefuScore.App.Faq;
using KefuScore.App.Learning;
using Spectre.Console;

namespace KefuScore.Cli.Commands;

/// <summary>
/// <c>kefu faq --kb FILE --ask "…"</c>: the FAQ entries that best answer a question; <c>--test FILE</c> measures the
/// matcher's top-1 accuracy on customer questions and, at the threshold, how many answers it would send and how many
/// of those are right (docs/quality.md, FAQ). With <c>--model</c> the learned matcher of <c>kefu faq train</c>
/// (<see cref="FaqTrainCommand"/>) answers; without, BM25 over character n-grams and intents.
/// </summary>
internal static class FaqCommand
{
    public static Command Create(CliOutput io)
    {
        var kb = new Option<string>("--kb") { Description = "FAQ knowledge base: CSV with question,answer,keywords", Required = true };
        var ask = new Option<string?>("--ask", "-q") { Description = "A customer's question" };
        var test = new Option<string?>("--test") { Description = "Test set: lines of 'question<TAB>expected FAQ question'; prints top-1 accuracy and answered/right" };
        var model = new Option<string?>("--model") { Description = "FAQ model from kefu faq train (default: BM25 without a model)" };
        var intents = IntentsOption();
        var top = new Option<int>("--top") { Description = "How many entries to show for --ask (default 3)", DefaultValueFactory = _ => 3 };
        var format = Formats.Option("json", "table");
        var command = new Command("faq", "Match a customer's question against an FAQ knowledge base (a trained model, or character n-grams and BM25)") { kb, ask, test, model, intents, top, format };
        command.Subcommands.Add(FaqTrainCommand.Create(io));
        command.SetAction(parse =>
        {
            var question = parse.GetValue(ask);
            var testPath = parse.GetValue(test);
            if (question is null == testPath is null) throw new CliException("give either --ask \"question\" or --test FILE");
            if (parse.GetValue(top) is < 1 or > 50) throw new CliException("--top: must be from 1 to 50");
            var entries = Load(() => FaqCsv.Load(Path(parse.GetValue(kb)!, "--kb")));
            var vocabulary = Intents(parse.GetValue(intents));
            using var index = new FaqIndex(entries, vocabulary);
            var learned = parse.GetValue(model) is { } modelPath ? Model(modelPath, entries) : null;
            var json = Formats.Resolve(parse.GetValue(format), io) == "json";
            if (question is not null)
            {
                var matches = learned is not null
                    ? learned.Rank(question, parse.GetValue(top)).Select(a => (a.Entry, Score: a.Confidence, Coverage: (double?)null)).ToList()
                    : index.Search(question, parse.GetValue(top)).Select(m => (m.Entry, m.Score, Coverage: (double?)m.Coverage)).ToList();
                if (json)
                    Json.Emit(io, s => JsonSerializer.Serialize(s, new
                    {
                        question,
                        matcher = learned is null ? "bm25" : "model",
                        threshold = learned?.Threshold,
                        matches = matches.Select(m => new { question = m.Entry.Question, answer = m.Entry.Answer, line = m.Entry.Line, score = Math.Round(m.Score, 3), coverage = m.Coverage is { } c ? Math.Round(c, 3) : (double?)null }),
                    }, ComplaintJson.Options));
                else
                {
                    var table = new Table().Border(TableBorder.Rounded).Title(Markup.Escape(question)).AddColumns("line", "question", "answer", learned is null ? "score" : "probability", "coverage");
                    foreach (var m in matches)
                        table.AddRow(m.Entry.Line.ToString(CultureInfo.InvariantCulture), Markup.Escape(m.Entry.Question), Markup.Escape(m.Entry.Answer),
                            Formats.Number(Math.Round(m.Score, 3)), m.Coverage is { } c ? Formats.Percent(c) : "—");
                    Consoles.For(io).Write(table);
                }
                if (matches.Count == 0) io.Error.WriteLine("no entry shares a character with the question");
                return ExitCodes.Ok;
            }
            var cases = Load(() => FaqEvaluation.ParseCases(ReadText(Path(testPath!, "--test")), testPath!, entries));
            var result = learned is not null ? FaqTesting.Measure(learned, cases) : FaqTesting.Measure(index, cases, new FaqPolicy());
            var missed = result.Results.Where(r => !r.Correct).ToList();
            if (json)
                Json.Emit(io, s => JsonSerializer.Serialize(s, new
                {
                    matcher = learned is null ? "bm25" : "model",
                    cases = result.Cases, correct = result.Correct, top1 = Math.Round(result.Top1, 4),
                    threshold = result.Threshold, answered = result.Answered, answered_right = result.AnsweredRight,
                    answered_precision = result.AnsweredPrecision is { } p ? Math.Round(p, 4) : (double?)null,
                    missed = missed.Select(r => new { line = r.Case.Line, question = r.Case.Question, expected = r.Case.Expected, got = r.Top?.Entry.Question, confidence = r.Top is { } t ? Math.Round(t.Confidence, 3) : (double?)null, sent = r.Sent }),
                }, ComplaintJson.Options));
            else
            {
                io.Out.WriteLine($"top-1 accuracy 准确率: {result.Correct}/{result.Cases} = {result.Top1:P1}");
                var what = learned is null ? $"coverage ≥ {result.Threshold:0.##} and a shared bigram" : $"probability ≥ {result.Threshold:0.####}";
                io.Out.WriteLine($"answered 自动回复 ({what}): {result.Answered}/{result.Cases} = {result.AnsweredShare:P1}, right {result.AnsweredRight}/{result.Answered} = {(result.AnsweredPrecision is { } ap ? ap.ToString("P1", CultureInfo.InvariantCulture) : "—")}; {result.Cases - result.Answered} to a person 转人工");
                foreach (var r in missed) io.Out.WriteLine($"  line {r.Case.Line}: {r.Case.Question} → {r.Top?.Entry.Question ?? "—"} (expected {r.Case.Expected}){(r.Sent ? " SENT" : "")}");
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    public static Option<string?> IntentsOption() =>
        new("--intents") { Description = "Intent vocabulary YAML; 'none' for none (default: the built-in src/KefuScore.App/Faq/intents.yaml)" };

    public static IReadOnlyDictionary<string, IReadOnlyList<string>>? Intents(string? path)
    {
        if (path == "none") return null;
        if (path is null) return FaqModel.BuiltInIntents();
        if (!File.Exists(path)) throw new CliException($"--intents: {path}: no such file");
        try { return CueLoader.Load(path); }
        catch (KefuScore.App.Yaml.YamlFileException e) { throw new CliException($"intents {e.Message}"); }
    }

    private static FaqModel Model(string path, IReadOnlyList<FaqEntry> entries)
    {
        if (!File.Exists(path)) throw new CliException($"--model: {path}: no such file");
        try
        {
            return new FaqModel(TextModelFile.Load(path, FaqModel.Kind), entries);
        }
        catch (TextModelException e)
        {
            throw new CliException($"--model: {path}: {e.Message}");
        }
    }

    public static string Path(string path, string option) => File.Exists(path) ? path : throw new CliException($"{option}: {path}: no such file");

    public static string ReadText(string path) => File.ReadAllText(path);

    public static T Load<T>(Func<T> load)
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
