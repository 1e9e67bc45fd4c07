using System.CommandLine;
using System.Globalization;
using KefuScore.App.Reading;
using KefuScore.App.Reports;
using KefuScore.Engine.Events;
using KefuScore.Engine.Metrics;
using KefuScore.Engine.Reports;
using Spectre.Console;

namespace KefuScore.Cli.Commands;

/// <summary><c>kefu explain</c>: every customer message of a conversation, whether it counted, its reply and why.</summary>
internal static class ExplainCommand
{
    public static Command Create(CliOutput io)
    {
        var input = new Option<string[]>("--input", "-i") { Description = "Event file(s)", Required = true };
        var conversation = new Option<string>("--conversation", "-c") { Description = "Conversation id", Required = true };
        var profile = new Option<string?>("--profile", "-p") { Description = "Built-in profile id or a YAML file (default: douyin)" };
        var metric = new Option<string?>("--metric", "-m") { Description = "Which reply metric to explain (default: the profile's first reply-within metric)" };
        var format = Formats.Option("json", "table");
        var map = Inputs.MapOption();
        var command = new Command("explain", "Show how each customer message of a conversation was counted") { input, conversation, profile, metric, format, map };
        command.SetAction(parse =>
        {
            var compiled = Inputs.Profile(parse.GetValue(profile));
            var files = Inputs.Files(parse.GetValue(input));
            var id = parse.GetValue(conversation)!;
            var mapping = Inputs.Mapping(parse.GetValue(map));
            var events = new List<ChatEvent>();
            var rejected = 0;
            Inputs.Guard(() =>
            {
                foreach (var item in Inputs.Read(files, mapping))
                {
                    if (item.Event is { } e && e.Conversation == id) events.Add(e);
                    else if (item.Rejected is not null) rejected++;
                }
                return 0;
            });
            IReadOnlyList<Explanation> explanations;
            try { explanations = Explainer.Explain(compiled, events, id, parse.GetValue(metric)); }
            catch (ArgumentException e) { throw new CliException(e.Message); }
            if (explanations.Count == 0) throw new CliException($"conversation '{id}' is not in the input");
            if (Formats.Resolve(parse.GetValue(format), io) == "json")
                Json.Emit(io, s => ExplainJson.Write(s, compiled.Id, explanations));
            else
                WriteTable(io, explanations);
            if (rejected > 0) io.Error.WriteLine($"kefu: {rejected} input lines were rejected (see kefu report for the list)");
            return rejected > 0 ? ExitCodes.Rejected : ExitCodes.Ok;
        });
        return command;
    }

    private static void WriteTable(CliOutput io, IReadOnlyList<Explanation> explanations)
    {
        var console = Consoles.For(io);
        foreach (var x in explanations)
        {
            var table = new Table().Title(Markup.Escape($"{x.Shop} / {x.Conversation} · {x.Metric.Id}")).Border(TableBorder.Rounded);
            table.AddColumns("message", "at", "text", "counted", "reply", "seconds", "why");
            foreach (var r in x.Rows)
            {
                var colour = r.Reason switch { ExplainReason.Within => "green", ExplainReason.Late or ExplainReason.Unanswered => "red", _ => "grey" };
                table.AddRow(Markup.Escape(r.MessageId), r.At.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), Markup.Escape(r.Text ?? ""),
                    r.Counted ? "yes" : "no", Markup.Escape(r.ReplyId ?? "—"), Formats.Number(r.ReplySeconds), $"[{colour}]{Markup.Escape(ExplainJson.Why(r, x))}[/]");
            }
            console.Write(table);
        }
    }
}
