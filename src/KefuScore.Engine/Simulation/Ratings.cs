namespace KefuScore.Engine.Simulation;

/// <summary>How a customer rates the service: mostly five stars, souring with the longest wait and with rudeness.</summary>
internal static class Ratings
{
    /// <summary>Stars 1–5 and an optional reason (<c>attitude</c> or <c>slow_reply</c>) for a conversation.</summary>
    public static (int Stars, string? Reason) Draw(SimRandom random, long worstWaitSeconds, bool unanswered, bool rude)
    {
        // 0 at a 30-second wait, 1 at ten minutes, capped at 1.5; an unanswered round counts as the worst.
        var sour = worstWaitSeconds <= 30 ? 0.0 : Math.Log(worstWaitSeconds / 30.0) / Math.Log(20.0);
        if (unanswered) sour = 1.5;
        if (rude) sour += 0.8;
        sour = Math.Min(sour, 1.5);

        var p5 = 0.88 - 0.50 * sour;
        var p4 = 0.07 + 0.10 * sour;
        var p3 = 0.02 + 0.10 * sour;
        var p2 = 0.015 + 0.15 * sour;
        var u = random.NextDouble();
        var stars = u < p5 ? 5 : u < p5 + p4 ? 4 : u < p5 + p4 + p3 ? 3 : u < p5 + p4 + p3 + p2 ? 2 : 1;

        string? reason = null;
        if (stars <= 3)
        {
            if (rude && random.Chance(0.6)) reason = "attitude";
            else if (worstWaitSeconds > 180 && random.Chance(0.5)) reason = "slow_reply";
            else if (random.Chance(0.1)) reason = "attitude";
        }
        return (stars, reason);
    }

    /// <summary>Product review stars: mostly good, worse after an after-sale case.</summary>
    public static int ReviewStars(SimRandom random, bool troubled) =>
        (troubled ? 1 + random.PickWeighted(TroubledReview) : 1 + random.PickWeighted(NormalReview));

    private static readonly double[] NormalReview = [0.04, 0.02, 0.04, 0.10, 0.80];
    private static readonly double[] TroubledReview = [0.30, 0.15, 0.20, 0.15, 0.20];
}
