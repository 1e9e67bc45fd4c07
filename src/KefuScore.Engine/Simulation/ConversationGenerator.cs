using KefuScore.Engine.Events;

namespace KefuScore.Engine.Simulation;

/// <summary>
/// One shop's conversations on one local day: agents log in and out by the roster, each conversation goes to
/// the least-loaded agent online, customers write in bursts over a few rounds, agents answer after log-normal
/// delays (longer when at capacity or on a break), bots answer when nobody is online, and customers rate or
/// complain afterwards. Call <see cref="Conversation"/> in ascending start order.
/// </summary>
internal sealed class ConversationGenerator
{
    private readonly ShopState _shop;
    private readonly SimRandom _random;
    private readonly long _dayStart;
    private readonly IReadOnlyList<AgentShift> _today;
    private readonly Func<IReadOnlyList<AgentShift>> _tomorrow;
    private readonly Dictionary<string, List<long>> _busyUntil = [];

    public ConversationGenerator(ShopState shop, SimRandom random, long dayStart, IReadOnlyList<AgentShift> today,
        Func<IReadOnlyList<AgentShift>> tomorrow)
    {
        _shop = shop;
        _random = random;
        _dayStart = dayStart;
        _today = today;
        _tomorrow = tomorrow;
    }

    /// <summary>Presence events of the day: online with capacity, away and back for a break, offline.</summary>
    public void Statuses()
    {
        foreach (var s in _today)
        {
            _shop.Status(_dayStart + s.Start, s.Agent, "online", s.Capacity);
            if (s.AwayEnd > s.AwayStart)
            {
                _shop.Status(_dayStart + s.AwayStart, s.Agent, "away", 0);
                _shop.Status(_dayStart + s.AwayEnd, s.Agent, "online", s.Capacity);
            }
            _shop.Status(_dayStart + s.End, s.Agent, "offline", 0);
        }
    }

    /// <summary>A conversation the customer opens <paramref name="second"/> seconds after local midnight.</summary>
    public void Conversation(int second)
    {
        var t0 = _dayStart + second;
        var talk = new Talk(_shop.NextConversation(), _shop.PickCustomer(_random)) { Agent = Assign(t0, null), Last = t0 };
        _shop.Session(t0, talk.Id, "opened", talk.Agent?.Agent);
        if (_random.Chance(0.25)) _shop.Message(t0, talk.Id, talk.Customer, Sender.System, null, MessageKind.Welcome, Phrases.Welcome);

        var rounds = 1;
        while (rounds < 5 && _random.Chance(0.45)) rounds++;
        var abandoned = talk.Agent is not null && _random.Chance(0.02);
        var t = t0;
        for (var round = 0; round < rounds; round++)
        {
            var (first, last) = Burst(talk, t, round);
            if (!Reply(talk, first, last, round, abandoned)) break;
            t = talk.Last + (long)Math.Ceiling(_random.LogNormal(45, 0.9));
        }

        _shop.Session(talk.Last + _random.Next(600, 1800), talk.Id, "closed", talk.Agent?.Agent);
        if (talk.Agent is not null) Busy(talk.Agent).Add(talk.Last);
        Aftermath(talk);
    }

    private (long First, long Last) Burst(Talk talk, long t, int round)
    {
        var count = 1 + _random.PickWeighted(BurstSizes);
        var last = t;
        for (var i = 0; i < count; i++)
        {
            if (i > 0) last += _random.Next(2, 20);
            var roll = _random.NextDouble();
            if (roll < 0.06) Customer(talk, last, MessageKind.Image, "[图片]");
            else if (roll < 0.09) Customer(talk, last, MessageKind.Card, "[商品链接]");
            else Customer(talk, last, MessageKind.Text, _random.Pick(round == 0 && i == 0 ? Phrases.CustomerOpeners : Phrases.CustomerFollowUps));
        }
        return (t, last);
    }

    /// <summary>Answers one round; false when the conversation ends here (nobody answered, or only a bot).</summary>
    private bool Reply(Talk talk, long first, long last, int round, bool abandoned)
    {
        if (abandoned)
        {
            var again = last + _random.Next(120, 400);
            Customer(talk, again, MessageKind.Text, _random.Pick(Phrases.CustomerImpatient));
            talk.Unanswered = true;
            return false;
        }
        if (talk.Agent is null || first - _dayStart >= talk.Agent.End) Transfer(talk, first, Assign(first, talk.Agent));
        if (talk.Agent is null) return BotOnly(talk, first, last, round);

        var agent = talk.Agent;
        if (round == 0 && _random.Chance(0.15))
            _shop.Message(first + _random.Next(1, 3), talk.Id, null, Sender.Agent, agent.Agent, MessageKind.Auto, Phrases.AgentAuto);
        var delay = _random.LogNormal(40 * agent.Speed, 1.0);
        if (Load(agent, first) >= agent.Capacity) delay += _random.Exponential(100);
        var reply = Math.Max(first + (long)Math.Ceiling(delay), last + _random.Next(2, 12));
        if (agent.IsAway(reply - _dayStart)) reply = _dayStart + agent.AwayEnd + _random.Next(5, 90);
        if (reply - _dayStart >= agent.End + 300)
        {
            // The agent left without answering: hand the conversation to a colleague, or leave it unanswered.
            var end = _dayStart + agent.End;
            Transfer(talk, end, Assign(end, agent));
            if (talk.Agent is null)
            {
                talk.Unanswered = true;
                return false;
            }
            reply = Math.Max(reply, end + (long)Math.Ceiling(_random.LogNormal(60, 0.8)));
        }
        Human(talk, first, reply);
        if (_random.Chance(0.3)) Human(talk, first, reply + _random.Next(5, 40));
        return true;
    }

    /// <summary>Nobody online: a bot answers; some customers get a human reply when the next shift starts.</summary>
    private bool BotOnly(Talk talk, long first, long last, int round)
    {
        var bot = last + _random.Next(1, 4);
        _shop.Message(bot, talk.Id, null, Sender.Bot, null, MessageKind.Text, _random.Pick(Phrases.BotReplies));
        talk.Last = bot;
        if (round > 0 || !_random.Chance(0.4))
        {
            talk.Unanswered = true;
            return false;
        }
        var (shift, start) = NextShift(first);
        talk.Agent = shift;
        Human(talk, first, start + _random.Next(120, 2400));
        return false;
    }

    private void Transfer(Talk talk, long t, AgentShift? to)
    {
        if (talk.Agent is not null && to is not null) _shop.Session(t + _random.Next(1, 30), talk.Id, "transferred", to.Agent);
        talk.Agent = to;
    }

    private void Human(Talk talk, long first, long at)
    {
        var roll = _random.NextDouble();
        string text;
        if (roll < 0.02) { text = _random.Pick(Phrases.AgentPoor); talk.Rude = true; }
        else if (roll < 0.03) { text = _random.Pick(Phrases.AgentAbsolute); talk.Absolute = true; }
        else text = _random.Pick(Phrases.AgentReplies);
        _shop.Message(at, talk.Id, null, Sender.Agent, talk.Agent!.Agent, MessageKind.Text, text);
        talk.WorstWait = Math.Max(talk.WorstWait, at - first);
        talk.Answered = true;
        talk.Last = Math.Max(talk.Last, at);
    }

    private void Customer(Talk talk, long t, MessageKind kind, string text)
    {
        _shop.Message(t, talk.Id, talk.Customer, Sender.Customer, null, kind, text);
        talk.Last = Math.Max(talk.Last, t);
    }

    /// <summary>Ratings that sour with waiting and rudeness; complaints now and then.</summary>
    private void Aftermath(Talk talk)
    {
        var agent = talk.Agent?.Agent;
        if (talk.Answered && agent is not null && _random.Chance(0.3))
        {
            var (stars, reason) = Ratings.Draw(_random, talk.WorstWait, talk.Unanswered, talk.Rude);
            _shop.Rating(talk.Last + _random.Next(20, 900), talk.Id, agent, stars, reason);
        }
        string? category = null;
        if (talk.Rude && _random.Chance(0.12)) category = "attitude";
        else if (talk.Absolute && _random.Chance(0.05)) category = "false_advertising";
        else if ((talk.Unanswered || talk.WorstWait > 600) && _random.Chance(0.02)) category = "slow_reply";
        else if (_random.Chance(0.002)) category = "other";
        if (category is not null) _shop.Complaint(talk.Last + _random.Next(600, 7200), talk.Id, null, agent, category);
    }

    /// <summary>The least-loaded agent online at <paramref name="t"/> (relative to capacity), not about to leave; null when none.</summary>
    private AgentShift? Assign(long t, AgentShift? except)
    {
        var local = t - _dayStart;
        AgentShift? best = null;
        var bestLoad = double.MaxValue;
        foreach (var s in _today)
        {
            if (s == except || !s.IsOnline(local) || s.End - local < 300) continue;
            var load = (double)Load(s, t) / s.Capacity;
            if (load < bestLoad) (best, bestLoad) = (s, load);
        }
        return best;
    }

    /// <summary>Conversations the agent is still in at <paramref name="t"/> (饱和度 numerator).</summary>
    private int Load(AgentShift agent, long t)
    {
        var ends = Busy(agent);
        ends.RemoveAll(e => e <= t);
        return ends.Count;
    }

    private List<long> Busy(AgentShift agent)
    {
        if (!_busyUntil.TryGetValue(agent.Agent, out var ends)) _busyUntil[agent.Agent] = ends = [];
        return ends;
    }

    /// <summary>The first shift starting after <paramref name="t"/>, today or tomorrow, with its absolute start.</summary>
    private (AgentShift Shift, long Start) NextShift(long t)
    {
        foreach (var s in _today)
            if (_dayStart + s.Start > t) return (s, _dayStart + s.Start);
        var next = _tomorrow()[0];
        return (next, _dayStart + ShopState.SecondsPerDay + next.Start);
    }

    private static readonly double[] BurstSizes = [0.45, 0.30, 0.17, 0.08];

    private sealed class Talk(string id, string customer)
    {
        public string Id { get; } = id;
        public string Customer { get; } = customer;
        public AgentShift? Agent { get; set; }
        public long Last { get; set; }
        public long WorstWait { get; set; }
        public bool Answered { get; set; }
        public bool Unanswered { get; set; }
        public bool Rude { get; set; }
        public bool Absolute { get; set; }
    }
}
