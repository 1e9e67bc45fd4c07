using System.Diagnostics;
using System.Globalization;
using KefuScore.App.Faq;
using KefuScore.App.Learning;
using KefuScore.App.Quality;
using KefuScore.Engine.Events;
using KefuScore.Engine.Quality;

namespace KefuScore.Bench.Text;

/// <summary>
/// <c>kefu-bench text [--messages 1000000] [--data DIR] [--threads N]</c> (issue 18): inspection throughput with the built-in rules and
/// model over N agent messages (drawn in turn from the labelled messages, five per conversation after a customer's
/// question, so every rule runs), and FAQ latency per question with each knowledge base's model and with BM25, one
/// thread. Prints medians of 3 runs. Inspection runs on every core unless <c>--threads</c> says otherwise. <c>--no-model</c> inspects with the word lists alone, for comparison; <c>--model FILE</c> with a trained model instead of the built-in one; <c>--digest</c> prints a hash of the first run's findings.
/// </summary>
public static class TextCommand
{
    public static int Run(string[] args)
    {
        var messages = 1_000_000;
        var data = Path.Combine("src", "KefuScore.App", "Quality", "Data");
        var withModel = true;
        var threads = -1;
        string? modelFile = null;
        var digest = false;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--messages" && i + 1 < args.Length) messages = int.Parse(args[++i], CultureInfo.InvariantCulture);
            else if (args[i] == "--data" && i + 1 < args.Length) data = args[++i];
            else if (args[i] == "--no-model") withModel = false;
            else if (args[i] == "--digest") digest = true;
            else if (args[i] == "--model" && i + 1 < args.Length) modelFile = args[++i];
            else if (args[i] == "--threads" && i + 1 < args.Length) threads = int.Parse(args[++i], CultureInfo.InvariantCulture);
            else throw new ArgumentException($"unknown argument {args[i]}");
        }
        var texts = LabelledMessages.Load(Path.Combine(data, "inspection", "dev.jsonl")).Concat(LabelledMessages.Load(Path.Combine(data, "inspection", "heldout.jsonl")))
            .SelectMany(m => m.Messages).ToArray();
        var events = Events(messages, texts);
        var inspector = !withModel ? new Inspector(InspectionLoader.BuiltIn())
            : modelFile is null ? InspectionLoader.BuiltInInspector()
            : new Inspector(InspectionLoader.BuiltIn(), TextModelFile.Load(modelFile, InspectionTrainer.Kind));
        var times = new List<double>();
        var cpu = new List<double>();
        var findings = 0;
        using var process = Process.GetCurrentProcess();
        for (var run = 0; run < 3; run++)
        {
            // CPU seconds beside the wall clock: on a shared machine they are what a run costs (decisions.md §50).
            process.Refresh();
            var cpuBefore = process.TotalProcessorTime;
            var watch = Stopwatch.StartNew();
            var inspection = inspector.Inspect(events, threads);
            times.Add(watch.Elapsed.TotalSeconds);
            process.Refresh();
            cpu.Add((process.TotalProcessorTime - cpuBefore).TotalSeconds);
            findings = inspection.Findings.Count;
            if (digest && run == 0) Console.WriteLine($"findings digest: {Digest(inspection.Findings)}");
        }
        var median = times.Order().ElementAt(1);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"inspection CPU seconds per run: {string.Join(", ", cpu.Select(t => t.ToString("0.00", CultureInfo.InvariantCulture)))} (median {cpu.Order().ElementAt(1):0.00})"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"inspection ({(threads < 1 ? Environment.ProcessorCount : threads)} threads): {messages} agent messages ({events.Count} events) in {median:0.00} s (median of 3: {string.Join(", ", times.Select(t => t.ToString("0.00", CultureInfo.InvariantCulture)))}), {messages / median:0} messages/s, {findings} findings"));

        foreach (var shop in Directory.GetDirectories(Path.Combine(data, "faq")).Order(StringComparer.Ordinal))
        {
            var entries = FaqCsv.Load(Path.Combine(shop, "kb.csv"));
            var model = new FaqModel(TextModelFile.Load(Path.Combine(shop, "model.json"), FaqModel.Kind), entries);
            using var index = new FaqIndex(entries, FaqModel.BuiltInIntents());
            var questions = FaqEvaluation.ParseCases(File.ReadAllText(Path.Combine(shop, "heldout.tsv")), shop, entries).Select(c => c.Question).ToArray();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"faq {Path.GetFileName(shop)}: model {Latency(questions, q => model.Best(q)):0.000} ms, bm25 {Latency(questions, q => index.Best(q)):0.000} ms per question (median of 3 passes over {questions.Length} questions, after a warm-up pass)"));
        }
        return 0;
    }

    /// <summary>
    /// SHA-256 of every finding's shop, conversation, message, rule and evidence in order (<c>--digest</c>): two builds
    /// or models that must agree exactly compare one line (decisions.md §87).
    /// </summary>
    private static string Digest(IReadOnlyList<Finding> findings)
    {
        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        foreach (var f in findings)
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes($"{f.Shop}\t{f.Conversation}\t{f.Message}\t{f.Rule}\t{f.Evidence}\n"));
        return Convert.ToHexString(hash.GetHashAndReset());
    }

    /// <summary>Milliseconds per question: the median of 3 timed passes, after one untimed.</summary>
    private static double Latency(string[] questions, Func<string, object?> answer)
    {
        foreach (var q in questions) answer(q);
        var passes = new List<double>();
        for (var run = 0; run < 3; run++)
        {
            var watch = Stopwatch.StartNew();
            foreach (var q in questions) answer(q);
            passes.Add(watch.Elapsed.TotalMilliseconds / questions.Length);
        }
        return passes.Order().ElementAt(1);
    }

    private static List<ChatEvent> Events(int messages, string[] texts)
    {
        var events = new List<ChatEvent>(messages + messages / 5 + 1);
        var start = new DateTimeOffset(2026, 11, 20, 9, 0, 0, TimeSpan.FromHours(8));
        for (var i = 0; i < messages; i++)
        {
            var conversation = (i / 5).ToString(CultureInfo.InvariantCulture);
            var at = start.AddSeconds(i % 5 * 30);
            if (i % 5 == 0)
                events.Add(new ChatEvent { Type = EventType.Message, Id = "q" + conversation, Shop = "s", Conversation = conversation, At = at, Customer = "u", Sender = Sender.Customer, Text = "在吗" });
            events.Add(new ChatEvent
            {
                Type = EventType.Message, Id = "m" + i.ToString(CultureInfo.InvariantCulture), Shop = "s", Conversation = conversation, At = at.AddSeconds(10),
                Customer = "u", Sender = Sender.Agent, Agent = "a" + (i % 50).ToString(CultureInfo.InvariantCulture), Text = texts[i % texts.Length],
            });
        }
        return events;
    }
}
