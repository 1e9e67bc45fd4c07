using System.CommandLine;
using System.Globalization;
using KefuScore.App.Calendars;
using KefuScore.App.Reports;
using KefuScore.App.Yaml;
using KefuScore.Engine.Calendars;
using KefuScore.Engine.Events;

namespace KefuScore.Cli.Commands;

/// <summary>
/// <c>kefu calendar between</c> prints the business seconds between two instants; <c>kefu calendar due</c> the instant
/// when a duration of business time has passed (docs/quality.md, calendars).
/// </summary>
internal static class CalendarCommand
{
    public static Command Create(CliOutput io)
    {
        var calendar = new Command("calendar", "Business time on a shop's calendar: opening hours, holidays, breaks, exceptions");

        var file = CalendarOption();
        var from = new Option<string>("--from") { Description = "Instant, ISO 8601 with an offset or Z", Required = true };
        var to = new Option<string>("--to") { Description = "Instant, ISO 8601 with an offset or Z", Required = true };
        var format = FormatOption();
        var between = new Command("between", "Business seconds between two instants (0 when --to is not after --from)") { file, from, to, format };
        between.SetAction(parse =>
        {
            var cal = Load(parse.GetValue(file)!);
            var a = Instant(parse.GetValue(from)!, "--from");
            var b = Instant(parse.GetValue(to)!, "--to");
            var seconds = cal.Between(a, b).TotalSeconds;
            var text = seconds.ToString("0.#######", CultureInfo.InvariantCulture);
            if (parse.GetValue(format) == "json")
                Json.Emit(io, s => Write(s, w =>
                {
                    w.WriteString("from", Iso(cal.ToZone(a)));
                    w.WriteString("to", Iso(cal.ToZone(b)));
                    w.WriteNumber("seconds", seconds);
                }));
            else io.Out.WriteLine(text);
            return ExitCodes.Ok;
        });

        var dueFile = CalendarOption();
        var dueFrom = new Option<string>("--from") { Description = "Instant, ISO 8601 with an offset or Z", Required = true };
        var add = new Option<string>("--add") { Description = "Business time to add: 90s, 90m, 3h or 1h30m", Required = true };
        var backward = new Option<bool>("--backward") { Description = "Count back in time instead" };
        var dueFormat = FormatOption();
        var due = new Command("due", "The instant when a duration of business time has passed (in the calendar's offset)") { dueFile, dueFrom, add, backward, dueFormat };
        due.SetAction(parse =>
        {
            var cal = Load(parse.GetValue(dueFile)!);
            var a = Instant(parse.GetValue(dueFrom)!, "--from");
            var text = parse.GetValue(add)!;
            if (!CalendarLoader.TryDuration(text, out var amount)) throw new CliException($"--add: '{text}' is not a duration like 90s, 90m, 3h or 1h30m");
            DateTimeOffset result;
            try { result = cal.Due(a, amount, parse.GetValue(backward)); }
            catch (InvalidOperationException e) { throw new CliException(e.Message); }
            if (parse.GetValue(dueFormat) == "json")
                Json.Emit(io, s => Write(s, w =>
                {
                    w.WriteString("from", Iso(cal.ToZone(a)));
                    w.WriteNumber("seconds", amount.TotalSeconds);
                    w.WriteBoolean("backward", parse.GetValue(backward));
                    w.WriteString("due", Iso(result));
                }));
            else io.Out.WriteLine(Iso(result));
            return ExitCodes.Ok;
        });

        calendar.Subcommands.Add(between);
        calendar.Subcommands.Add(due);
        return calendar;
    }

    private static Option<string?> FormatOption()
    {
        var o = new Option<string?>("--format", "-f") { Description = "Output: text (default: the plain number or instant) or json" };
        o.AcceptOnlyFromAmong("text", "json");
        return o;
    }

    private static Option<string> CalendarOption() => new("--calendar", "-c") { Description = "Calendar YAML file (docs/quality.md)", Required = true };

    private static BusinessCalendar Load(string path)
    {
        if (!File.Exists(path)) throw new CliException($"--calendar: {path}: no such file");
        try
        {
            return CalendarLoader.Load(path);
        }
        catch (YamlFileException e)
        {
            throw new CliException($"calendar {e.Message}");
        }
    }

    private static DateTimeOffset Instant(string text, string option) =>
        Timestamp.TryParse(text, out var value) ? value
            : throw new CliException($"{option}: '{text}' is not an ISO 8601 instant with an offset, like 2026-11-20T10:00:00+08:00 or 2026-11-20T02:00:00Z");

    /// <summary>ISO 8601 with the offset; seconds always, a fraction only when there is one.</summary>
    public static string Iso(DateTimeOffset t) => t.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture);

    private static void Write(Stream s, Action<System.Text.Json.Utf8JsonWriter> body)
    {
        using var w = new System.Text.Json.Utf8JsonWriter(s, ReportJson.Options);
        w.WriteStartObject();
        body(w);
        w.WriteEndObject();
    }
}
