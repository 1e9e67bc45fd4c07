using System.CommandLine;
using System.Globalization;
using System.Text.Json;
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
                Json.Emit(io, s => WriteJson(s, compiled.Id, explanations));
            else
                WriteTable(io, explanations);
            if (rejected > 0) io.Error.WriteLine($"kefu: {rejected} input lines were rejected (see kefu report for the list)");
            return rejected > 0 ? ExitCodes.Rejected : ExitCodes.Ok;
        });
        return command;
    }

    public static string Code(ExplainReason r) => r switch
    {
        ExplainReason.Within => "within",
        ExplainReason.Late => "late",
        ExplainReason.Unanswered => "unanswered",
        ExplainReason.OutsideHours => "outside_hours",
        ExplainReason.MergedIntoRound => "merged_into_round",
        ExplainReason.NotFirstOfDay => "not_first_of_day",
        ExplainReason.BotOnly => "bot_only",
        _ => "not_in_version",
    };

    /// <summary>One sentence a manager can read: what happened to this message.</summary>
    public static string Why(ExplainRow row, Explanation x)
    {
        var m = x.Metric;
        var ignored = row.IgnoredReplyId is null ? "" : $"; {row.IgnoredReplyId} was a {row.IgnoredReplyWhy}, which does not count";
        return row.Reason switch
        {
            ExplainReason.Within => string.Create(CultureInfo.InvariantCulture, $"answered by {row.ReplyAgent ?? "?"} after {row.ReplySeconds:0.###} s (≤ {m.WithinSeconds:0} s){ignored}"),
            ExplainReason.Late => string.Create(CultureInfo.InvariantCulture, $"answered by {row.ReplyAgent ?? "?"} after {row.ReplySeconds:0.###} s (> {m.WithinSeconds:0} s): late{ignored}"),
            ExplainReason.Unanswered => $"no valid human reply{ignored}",
            ExplainReason.OutsideHours => $"sent outside the assessment hours {m.Hours}",
            ExplainReason.MergedIntoRound => $"merged into the {m.Unit.ToString().ToLowerInvariant()} opened by {row.RoundStartId}",
            ExplainReason.NotFirstOfDay => "not the conversation's first counted message of the day",
            ExplainReason.BotOnly => "the conversation was handled by bots only, which this profile leaves out",
            _ => "the metric is not in the profile version in force that day",
        };
    }

    private static void WriteJson(Stream stream, string profile, IReadOnlyList<Explanation> explanations)
    {
        using var w = new Utf8JsonWriter(stream, ReportJson.Options);
        w.WriteStartObject();
        w.WriteString("profile", profile);
        w.WriteString("metric", explanations[0].Metric.Id);
        w.WriteStartArray("conversations");
        foreach (var x in explanations)
        {
            w.WriteStartObject();
            w.WriteString("shop", x.Shop);
            w.WriteString("conversation", x.Conversation);
            w.WriteStartArray("messages");
            foreach (var row in x.Rows)
            {
                w.WriteStartObject();
                w.WriteString("id", row.MessageId);
                w.WriteString("at", row.At.ToString("O", CultureInfo.InvariantCulture));
                if (row.Text is not null) w.WriteString("text", row.Text);
                w.WriteBoolean("counted", row.Counted);
                w.WriteString("reason", Code(row.Reason));
                w.WriteString("why", Why(row, x));
                if (row.ReplyId is not null)
                {
                    w.WriteStartObject("reply");
                    w.WriteString("id", row.ReplyId);
                    w.WriteString("at", row.ReplyAt!.Value.ToString("O", CultureInfo.InvariantCulture));
                    if (row.ReplyAgent is not null) w.WriteString("agent", row.ReplyAgent);
                    w.WriteEndObject();
                    w.WriteNumber("reply_seconds", row.ReplySeconds!.Value);
                }
                else
                {
                    w.WriteNull("reply");
                    w.WriteNull("reply_seconds");
                }
                if (row.RoundStartId is not null) w.WriteString("round_start", row.RoundStartId);
                if (row.IgnoredReplyId is not null)
                {
                    w.WriteStartObject("ignored_reply");
                    w.WriteString("id", row.IgnoredReplyId);
                    w.WriteString("why", row.IgnoredReplyWhy);
                    w.WriteEndObject();
                }
                if (row.Agent is not null) w.WriteString("agent", row.Agent);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
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
                    r.Counted ? "yes" : "no", Markup.Escape(r.ReplyId ?? "—"), Formats.Number(r.ReplySeconds), $"[{colour}]{Markup.Escape(Why(r, x))}[/]");
            }
            console.Write(table);
        }
    }
}
