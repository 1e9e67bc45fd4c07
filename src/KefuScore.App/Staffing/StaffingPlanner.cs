using System.Globalization;
using KefuScore.Engine.Profiles;
using KefuScore.Engine.Staffing;
using KefuScore.Engine.Text;

namespace KefuScore.App.Staffing;

/// <summary>What <c>kefu plan</c> and <c>GET /plan</c> ask for (docs/staffing.md, "kefu plan").</summary>
public sealed record PlanRequest
{
    public required DateOnly Date { get; init; }

    /// <summary>A reply_within metric of the profile and the share to reach: <c>reply_rate_3min=0.97</c>.</summary>
    public string Target { get; init; } = "reply_rate_3min=0.97";

    public double? Uplift { get; init; }
    public double Shrinkage { get; init; }
    public double MaxOccupancy { get; init; } = 1;

    /// <summary>Chats one agent serves at once; null: what agents held at once in the history (<see cref="ConsultationHistory.ObservedConcurrency"/>).</summary>
    public int? Concurrency { get; init; }

    /// <summary>Overrides the handle time estimated from history.</summary>
    public double? HandleSeconds { get; init; }

    /// <summary>Staff every interval of the day, not only the target metric's assessment hours.</summary>
    public bool AllDay { get; init; }

    public IReadOnlyList<ShiftTemplate>? Shifts { get; init; }

    /// <summary>Replays of the day averaged for the expected rate per hour.</summary>
    public int Replays { get; init; } = 10;

    /// <summary>Rounds of "replay, add an agent to each hour below the target, solve again" (0: Erlang alone).</summary>
    public int CheckRounds { get; init; } = 6;

    public ulong Seed { get; init; } = 1;
}

/// <summary>The metric a plan aims at, from the profile: its share, its time and its hours.</summary>
public sealed record PlanTarget(string Metric, double Share, double WithinSeconds, AssessmentHours Hours, bool FirstOnly);

/// <summary>One 15-minute interval of a plan.</summary>
/// <param name="Agents">Agents to schedule: Erlang's (after shrinkage) plus <paramref name="Added"/> by the replay check.</param>
/// <param name="Gap">Agents the roster leaves short of <paramref name="Agents"/>.</param>
/// <param name="BelowLine">The replay of the roster falls below the target in this interval's hour.</param>
public sealed record PlanInterval(int Index, double Forecast, int RawAgents, int Agents, int Added, int Rostered, int Gap, bool BelowLine)
{
    /// <summary>Short of what the target needs: agents missing from the roster, or a replay below the line.</summary>
    public bool Short => Gap > 0 || BelowLine;

    public string Start => $"{Index * 15 / 60:00}:{Index * 15 % 60:00}";
}

/// <summary>Forecast, requirement, roster, gap and the replayed expected rate for one shop and date.</summary>
public sealed record StaffingPlan(
    string? Shop, DateOnly Date, string Profile, PlanTarget Target, ConsultationForecast Forecast,
    double HandleSeconds, string HandleSource, int Concurrency, double Shrinkage, double MaxOccupancy,
    double FollowUps, double FollowUpReplySeconds, IReadOnlyList<PlanInterval> Intervals, ShiftRoster Roster,
    ReplayResult Replay, int Replays)
{
    public bool MeetsTarget => Replay.Rate is { } r && r >= Target.Share;

    /// <summary>Intervals short of the target (<see cref="PlanInterval.Short"/>): what the page and the CLI call the gap.</summary>
    public int ShortIntervals => Intervals.Count(i => i.Short);
}

/// <summary>Bad plan input, phrased for the user with the field it is about; hosts turn it into exit 2 or HTTP 400.</summary>
public sealed class PlanException(string field, string reason) : Exception($"{field}: {reason}")
{
    public string Field { get; } = field;
    public string Reason { get; } = reason;

    public PlanException(string field, Msg text) : this(field, EnglishText.Render(text)) => Text = text;

    /// <summary>The reason as a message for the reader's language, where it has one.</summary>
    public Msg? Text { get; }
}

/// <summary>
/// Makes a staffing plan: forecast the date's consultations per 15 minutes from history, size each interval with
/// Erlang C for the target, cover the requirement with shifts (OR-Tools), and replay the day against the roster
/// through the engine's own metric to give the expected rate per hour.
/// </summary>
public static class StaffingPlanner
{
    /// <summary>Fewest answered conversations in the history to trust its handle time.</summary>
    public const int MinConversationsForHandle = 30;

    public static PlanTarget ParseTarget(string text, CompiledProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        var parts = (text ?? "").Split('=', 2);
        if (parts.Length != 2 || !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var share))
            throw new PlanException("target", new Msg(Codes.TargetFormat, text ?? ""));
        if (!(share > 0 && share < 1)) throw new PlanException("target", new Msg(Codes.TargetShare, parts[1]));
        var metric = profile.Metrics.FirstOrDefault(m => m.Id == parts[0]);
        if (metric is null || metric.Kind != MetricKind.ReplyWithin)
        {
            var choices = string.Join(", ", profile.Metrics.Where(m => m.Kind == MetricKind.ReplyWithin).Select(m => m.Id).Distinct());
            throw new PlanException("target", new Msg(Codes.TargetMetric, new Ref(RefKind.Metric, parts[0], metric?.Names), profile.Id, choices));
        }
        return new PlanTarget(metric.Id, share, metric.WithinSeconds, metric.Hours, metric.FirstOnly);
    }

    public static StaffingPlan Plan(ConsultationHistory history, CompiledProfile profile, PlanRequest request, string? shop = null)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(request);
        var target = ParseTarget(request.Target, profile);
        if (!(request.Shrinkage >= 0 && request.Shrinkage < 1)) throw new PlanException("shrinkage", new Msg(Codes.PlanShrinkage));
        if (!(request.MaxOccupancy > 0 && request.MaxOccupancy <= 1)) throw new PlanException("max-occupancy", new Msg(Codes.PlanOccupancy));
        if (request.Concurrency < 1) throw new PlanException("concurrency", new Msg(Codes.PlanConcurrency));
        var concurrency = request.Concurrency ?? history.ObservedConcurrency;
        if (request.Uplift is { } u && !(u > 0)) throw new PlanException("uplift", new Msg(Codes.PlanUplift));

        ConsultationForecast forecast;
        try
        {
            forecast = Forecast.For(history, request.Date, new ForecastOptions { Uplift = request.Uplift });
        }
        catch (NotEnoughHistoryException e) when (e.Text is { } text)
        {
            throw new PlanException("date", text);
        }
        catch (ArgumentException e)
        {
            throw new PlanException("date", e.Message.Split(" (Parameter")[0]);
        }

        double handle;
        string handleSource;
        if (request.HandleSeconds is { } given)
        {
            if (!(given > 0)) throw new PlanException("handle", new Msg(Codes.PlanHandle));
            (handle, handleSource) = (given, "given");
        }
        else if (history.AnsweredConversations >= MinConversationsForHandle)
            (handle, handleSource) = (history.MeanHandleSeconds, $"history: mean first to last human reply, plus one reply's writing time, over {history.AnsweredConversations} conversations");
        else throw new PlanException("handle", new Msg(Codes.PlanHandleHistory, history.AnsweredConversations, MinConversationsForHandle));
        handle = Math.Max(handle, 1);

        var staffingTarget = new StaffingTarget
        {
            WithinSeconds = target.WithinSeconds, ServiceLevel = target.Share, Shrinkage = request.Shrinkage,
            MaxOccupancy = request.MaxOccupancy, Concurrency = concurrency,
        };
        var raw = new int[ShiftRoster.IntervalsPerDay];
        var required = new int[ShiftRoster.IntervalsPerDay];
        for (var i = 0; i < raw.Length; i++)
        {
            var arrivals = forecast.Intervals[i];
            if (arrivals <= 0 || !Assessed(i, target, request)) continue;
            var need = StaffingRequirement.For(new Workload(arrivals, ConsultationHistory.IntervalSeconds, handle), staffingTarget);
            raw[i] = need.RawAgents;
            required[i] = need.Agents;
        }

        var followUps = Math.Max(0, history.MessagesPerConsultation - 1);
        var followUpReply = history.FollowUpReplySeconds ?? 30;
        var added = new int[ShiftRoster.IntervalsPerDay];
        ShiftRoster roster;
        ReplayResult replay;
        var round = 0;
        while (true)
        {
            var need = required.Select((r, i) => r + added[i]).ToArray();
            try
            {
                roster = RosterSolver.Solve(need, request.Shifts ?? ShiftLoader.Default);
            }
            catch (RosterException e)
            {
                throw new PlanException("shifts", e.Text);
            }
            var onQueue = roster.Coverage.Select(c => (int)Math.Floor(c * (1 - request.Shrinkage) + 1e-9)).ToArray();
            replay = DayReplay.Measure(new ReplayOptions
            {
                Date = request.Date, Arrivals = forecast.Intervals, Agents = onQueue, HandleSeconds = handle,
                Concurrency = concurrency, FollowUps = followUps, FollowUpReplySeconds = followUpReply,
                Days = request.Replays, Seed = request.Seed, Shop = shop ?? "plan",
            }, profile, target.Metric);
            // Erlang sizes each interval as if it started empty; the replay carries queues across intervals (the
            // night's consultations waiting at opening time, a peak spilling over). Where it shows an hour below
            // the target, one more agent is asked for in that hour and the roster solved again, until every hour
            // reaches the line (a day's rate above it with 09:00 at 89.5% is not a plan without a gap).
            var belowTarget = BelowLine(replay, target).ToList();
            if (belowTarget.Count == 0 || round == request.CheckRounds) break;
            var grew = false;
            foreach (var hour in belowTarget)
                for (var i = hour * 4; i < hour * 4 + 4; i++)
                    if (Assessed(i, target, request))
                    {
                        added[i]++;
                        grew = true;
                    }
            if (!grew) break;
            round++;
        }

        var below = BelowLine(replay, target).ToHashSet();
        var intervals = Enumerable.Range(0, ShiftRoster.IntervalsPerDay)
            .Select(i => new PlanInterval(i, forecast.Intervals[i], raw[i], required[i] + added[i], added[i], roster.Coverage[i], roster.Gap[i],
                below.Contains(i / 4) && Assessed(i, target, request)))
            .ToList();
        return new StaffingPlan(shop, request.Date, profile.Id, target, forecast, handle, handleSource, concurrency,
            request.Shrinkage, request.MaxOccupancy, followUps, followUpReply, intervals, roster, replay, request.Replays);
    }

    /// <summary>Hours of the replay with a rate below the target.</summary>
    private static IEnumerable<int> BelowLine(ReplayResult replay, PlanTarget target) =>
        replay.Hours.Where(h => h.Rate is { } r && r < target.Share).Select(h => h.Hour);

    /// <summary>Whether interval <paramref name="i"/> is staffed for the target: its assessment hours, or all day.</summary>
    private static bool Assessed(int i, PlanTarget target, PlanRequest request) =>
        request.AllDay || target.Hours.Contains(i * TimeSpan.TicksPerMinute * 15);
}
