namespace KefuScore.Engine.Staffing;

/// <summary>
/// The M/M/N+M queue (Erlang A; Garnett, Mandelbaum and Reiman 2002): Erlang C plus customers who give up after
/// an exponential patience. Solved numerically as the birth–death chain of the number in system — birth rate λ,
/// death rate min(k, N)·μ + max(k − N, 0)·θ — truncated where the stationary probabilities fall below e^−50 of
/// their peak (the chain is stable for any load because waiting customers leave). Waiting-time measures follow
/// a tagged arrival (PASTA) through the queue ahead of it: with j customers ahead it moves up at rate N·μ + j·θ and
/// gives up itself at rate θ; the probability of being answered within t is computed by uniformisation.
/// </summary>
public static class ErlangA
{
    /// <summary>The largest queue the chain is solved for; reached only by long patience in a heavily overloaded queue.</summary>
    public const int MaxQueueStates = 2_000_000;

    private const double Negligible = 50; // e^-50 ≈ 2e-22 of the peak probability

    public static QueueOutcome Evaluate(int servers, double arrivalRate, double handleSeconds, double patienceSeconds, double withinSeconds)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(servers);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(arrivalRate);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(handleSeconds);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(patienceSeconds);
        ArgumentOutOfRangeException.ThrowIfNegative(withinSeconds);
        var n = servers;
        var mu = 1 / handleSeconds;
        var theta = 1 / patienceSeconds;
        var lambda = arrivalRate;

        var pi = Stationary(n, lambda, mu, theta)
            ?? throw new ArgumentOutOfRangeException(nameof(patienceSeconds), patienceSeconds,
                "with this much patience the queue of this overloaded interval is too long to solve; add servers or leave patience out (Erlang C)");
        var queue = pi.Length - n; // positions 1..queue: an arrival finding k ≥ N in system is at position k − N + 1

        double answeredAtOnce = 0, waitProbability = 0;
        for (var k = 0; k < pi.Length; k++)
        {
            if (k < n) answeredAtOnce += pi[k];
            else waitProbability += pi[k];
        }

        // From position m: s = P(answered), g = E[wait · 1(answered)]; R_m = Nμ + mθ, up-move Nμ + (m−1)θ.
        double answered = answeredAtOnce, waitWhenAnswered = 0;
        double s = 1, g = 0;
        for (var m = 1; m <= queue; m++)
        {
            var rate = n * mu + m * theta;
            var up = (n * mu + (m - 1) * theta) / rate;
            g = up * (s / rate + g);
            s = up * s;
            var p = pi[n + m - 1];
            answered += p * s;
            waitWhenAnswered += p * g;
        }

        var within = answeredAtOnce;
        if (withinSeconds > 0)
        {
            var f = AnsweredWithin(n, mu, theta, queue, withinSeconds);
            for (var m = 1; m <= queue; m++) within += pi[n + m - 1] * f[m];
        }

        var abandon = Math.Clamp(1 - answered, 0, 1);
        return new QueueOutcome(
            waitProbability,
            Math.Clamp(within, 0, 1),
            answered > 0 ? waitWhenAnswered / answered : double.PositiveInfinity,
            Math.Min(1.0, lambda * (1 - abandon) / (n * mu)),
            abandon);
    }

    /// <summary>π_0..π_K of the number in system, normalised; computed in logarithms so large loads do not overflow.
    /// Null when the queue runs past <see cref="MaxQueueStates"/> before its probabilities become negligible.</summary>
    private static double[]? Stationary(int n, double lambda, double mu, double theta)
    {
        var log = new List<double> { 0.0 };
        var peak = 0.0;
        for (var k = 1; ; k++)
        {
            var death = Math.Min(k, n) * mu + Math.Max(k - n, 0) * theta;
            var next = log[k - 1] + Math.Log(lambda / death);
            log.Add(next);
            peak = Math.Max(peak, next);
            if (k > n && death > lambda && next < peak - Negligible) break; // decreasing from here on, and negligible
            if (k - n > MaxQueueStates) return null;
        }
        var pi = new double[log.Count];
        var total = 0.0;
        for (var k = 0; k < pi.Length; k++) total += pi[k] = Math.Exp(log[k] - peak);
        for (var k = 0; k < pi.Length; k++) pi[k] /= total;
        return pi;
    }

    /// <summary>
    /// F[m] = P(answered within t | position m), by uniformisation of the absorbing chain of positions: with
    /// Λ = Nμ + Mθ, F = Σ_j Poisson(j; Λt)·u_j, where u_j[m] is the probability of reaching service within j
    /// jumps; u_{j+1}[m] = (Nμ + (m−1)θ)/Λ·u_j[m−1] + (1 − (Nμ + mθ)/Λ)·u_j[m], u_j[0] = 1.
    /// </summary>
    private static double[] AnsweredWithin(int n, double mu, double theta, int queue, double t)
    {
        var uniform = n * mu + queue * theta;
        var x = uniform * t;
        var terms = (int)Math.Ceiling(x + 12 * Math.Sqrt(x) + 30);
        var u = new double[queue + 1];
        var f = new double[queue + 1];
        u[0] = 1;
        var logX = Math.Log(x);
        var logWeight = -x; // log Poisson(j; x), advanced term by term
        for (var j = 0; j <= terms; j++)
        {
            if (j > 0) logWeight += logX - Math.Log(j);
            var w = Math.Exp(logWeight);
            var reach = Math.Min(j, queue); // u_j[m] = 0 for m > j: every jump moves up at most one place
            if (w > 0)
                for (var m = 1; m <= reach; m++) f[m] += w * u[m];
            for (var m = Math.Min(j + 1, queue); m >= 1; m--)
                u[m] = (n * mu + (m - 1) * theta) / uniform * u[m - 1] + (1 - (n * mu + m * theta) / uniform) * u[m];
        }
        return f;
    }
}
