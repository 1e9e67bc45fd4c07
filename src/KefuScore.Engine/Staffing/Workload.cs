namespace KefuScore.Engine.Staffing;

/// <summary>
/// The contacts offered in one interval (咨询量): how many arrive, over how long, and how long each one holds a
/// server. With chat concurrency the handle time is the wall-clock length of one conversation while the agent
/// serves its other conversations too (docs/staffing.md).
/// </summary>
public readonly record struct Workload(double Arrivals, double IntervalSeconds, double HandleSeconds)
{
    /// <summary>Offered load in Erlangs: A = arrivals × handle time ÷ interval.</summary>
    public double Erlangs => Arrivals * HandleSeconds / IntervalSeconds;

    /// <summary>Arrivals per second (λ).</summary>
    public double ArrivalRate => Arrivals / IntervalSeconds;

    public void Validate()
    {
        if (!(Arrivals > 0) || double.IsInfinity(Arrivals)) throw new ArgumentOutOfRangeException(nameof(Arrivals), Arrivals, "must be a positive number of contacts");
        if (!(IntervalSeconds > 0) || double.IsInfinity(IntervalSeconds)) throw new ArgumentOutOfRangeException(nameof(IntervalSeconds), IntervalSeconds, "must be a positive duration");
        if (!(HandleSeconds > 0) || double.IsInfinity(HandleSeconds)) throw new ArgumentOutOfRangeException(nameof(HandleSeconds), HandleSeconds, "must be a positive duration");
    }
}
