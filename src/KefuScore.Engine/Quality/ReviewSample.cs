namespace KefuScore.Engine.Quality;

/// <summary>A conversation an agent took part in, with how many inspection findings name the agent in it.</summary>
public sealed record ReviewCandidate(string Agent, string Conversation, int Findings);

/// <summary>A conversation drawn for manual review (人工复核), from the stratum <c>findings</c> or <c>clean</c>.</summary>
public sealed record ReviewPick(string Agent, string Conversation, string Stratum);

/// <summary>
/// 抽检: a seeded, reproducible sample of conversations per agent, stratified so the reviewer sees both what the rules
/// flagged (to check the findings are right) and what they passed (to catch what they miss). Each agent gets
/// <c>perAgent</c> conversations, <c>ceil(perAgent × flaggedShare)</c> from those with findings and the rest from the
/// clean ones; a stratum that is short is made up from the other. The order is a hash of seed and conversation id
/// (FNV-1a), so the same seed and data give the same sample on any machine, and no random generator is needed.
/// </summary>
public static class ReviewSampler
{
    public static IReadOnlyList<ReviewPick> Draw(IEnumerable<ReviewCandidate> candidates, int perAgent, double flaggedShare, int seed)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentOutOfRangeException.ThrowIfNegative(perAgent);
        if (flaggedShare is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(flaggedShare), flaggedShare, "must be from 0 to 1");
        var picks = new List<ReviewPick>();
        foreach (var agent in candidates.GroupBy(c => c.Agent, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var distinct = agent.GroupBy(c => c.Conversation, StringComparer.Ordinal).Select(g => new ReviewCandidate(agent.Key, g.Key, g.Sum(x => x.Findings)));
            var ordered = distinct.OrderBy(c => Hash(seed, c.Conversation)).ThenBy(c => c.Conversation, StringComparer.Ordinal).ToList();
            var flagged = ordered.Where(c => c.Findings > 0).ToList();
            var clean = ordered.Where(c => c.Findings == 0).ToList();
            var wantFlagged = (int)Math.Ceiling(perAgent * flaggedShare);
            var takeFlagged = Math.Min(flagged.Count, Math.Max(wantFlagged, perAgent - clean.Count));
            var takeClean = Math.Min(clean.Count, perAgent - takeFlagged);
            picks.AddRange(flagged.Take(takeFlagged).Select(c => new ReviewPick(agent.Key, c.Conversation, "findings")));
            picks.AddRange(clean.Take(takeClean).Select(c => new ReviewPick(agent.Key, c.Conversation, "clean")));
        }
        return picks;
    }

    /// <summary>FNV-1a over the seed and the id's UTF-16 units: stable across runs and platforms (string.GetHashCode is not).</summary>
    public static uint Hash(int seed, string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        var h = 2166136261u;
        unchecked
        {
            for (var i = 0; i < 4; i++) h = (h ^ (byte)(seed >> (8 * i))) * 16777619u;
            foreach (var ch in id)
            {
                h = (h ^ (byte)ch) * 16777619u;
                h = (h ^ (byte)(ch >> 8)) * 16777619u;
            }
        }
        return h;
    }
}
