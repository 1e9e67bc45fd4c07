using KefuScore.Engine.Text;

namespace KefuScore.Engine.Staffing;

/// <summary>How a forecast is made (docs/staffing.md, "Forecast").</summary>
public sealed record ForecastOptions
{
    /// <summary>Calendar days before the forecast origin that the model is fitted on (8 weeks).</summary>
    public int FitDays { get; init; } = 56;

    /// <summary>Observed days held back at the end of the history to measure the error (0: no back-test).</summary>
    public int HoldOutDays { get; init; } = 7;

    /// <summary>A factor the user sets for the forecast date (e.g. 1.8 for a promotion); overrides the learned one.</summary>
    public double? Uplift { get; init; }

    /// <summary>Festival periods: left out of the fit and, for a date inside one, the source of the learned uplift.</summary>
    public IReadOnlyList<DatePeriod> Festivals { get; init; } = SpringFestival.Periods;

    /// <summary>Days before last year's festival that its uplift is measured against (4 weeks).</summary>
    public int UpliftBaselineDays { get; init; } = 28;

    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(FitDays, 7, nameof(FitDays));
        ArgumentOutOfRangeException.ThrowIfNegative(HoldOutDays, nameof(HoldOutDays));
        ArgumentOutOfRangeException.ThrowIfLessThan(UpliftBaselineDays, 7, nameof(UpliftBaselineDays));
        if (Uplift is { } u && (!(u > 0) || double.IsInfinity(u))) throw new ArgumentOutOfRangeException(nameof(Uplift), u, "must be a positive factor");
    }
}

/// <summary>Where a forecast's festival factor came from.</summary>
public enum UpliftSource { None, User, Learned }

/// <summary>
/// Consultations forecast for one local date per 15-minute interval: <see cref="Level"/> (the trend line's
/// consultations of an average weekday on that date) × <see cref="WeekdayFactor"/> × <see cref="Uplift"/>, spread
/// over the day by the intra-day shape.
/// </summary>
public sealed record ConsultationForecast(
    DateOnly Date, IReadOnlyList<double> Intervals, double Level, double Trend, double WeekdayFactor,
    double Uplift, UpliftSource UpliftSource, Msg UpliftWhy, int FitDays, ForecastBacktest? Backtest)
{
    public double Total => Intervals.Sum();

    /// <summary>Where the uplift came from, in the command line's English (the plan JSON's <c>uplift_note</c>).</summary>
    public string UpliftNote => EnglishText.Render(UpliftWhy);
}

/// <summary>The error on held-back history: each held-back day forecast from the days before the first of them.</summary>
/// <param name="Wape">Σ|actual − forecast| ÷ Σ actual over every 15-minute interval of the held-back days.</param>
/// <param name="DailyMape">Mean of |actual − forecast| ÷ actual over the held-back days' totals.</param>
public sealed record ForecastBacktest(IReadOnlyList<BacktestDay> Days, double Wape, double DailyMape);

/// <summary>One held-back day: actual and forecast totals, and the interval-level WAPE of that day.</summary>
public sealed record BacktestDay(DateOnly Date, double Actual, double Forecast, double Wape);

/// <summary>
/// The forecast of consultations per 15-minute interval (咨询量预测). A multiplicative model fitted on the last
/// 8 weeks, robust for a shop with only two or three weeks of data, where a Holt–Winters week season (672
/// intervals) would not even have two seasons to start from:
/// <list type="bullet">
/// <item>daily totals = (a + b·t) × weekday factor: the line and the seven factors are fitted alternately
/// (least squares on the de-seasonalised totals, then mean ratio to the line per weekday) until they settle;
/// with fewer than 14 observed days the line is flat (no trend from one week);</item>
/// <item>the day's shape: each interval's share of the day, from the same weekday's days when there are at least
/// two of them, otherwise from all days;</item>
/// <item>festival days are left out of the fit; a date in a festival period gets the user's factor or the one
/// learned from last year's period (its de-seasonalised mean ÷ that of the 4 weeks before it).</item>
/// </list>
/// A history that repeats one week exactly is forecast exactly; a linear trend under a weekly pattern too.
/// </summary>
public static class Forecast
{
    public static ConsultationForecast For(ConsultationHistory history, DateOnly date, ForecastOptions? options = null)
    {
        options ??= new ForecastOptions();
        options.Validate();
        var model = Model.Fit(history, date, options)
            ?? throw new NotEnoughHistoryException(new Msg(Codes.NotEnoughHistory, date, options.FitDays));
        var (uplift, source, note) = UpliftFor(history, date, model, options);
        var intervals = model.Predict(date, uplift);
        return new ConsultationForecast(date, intervals, model.LevelOn(date), model.Slope, model.Factor(date.DayOfWeek),
            uplift, source, note, model.ObservedDays, Backtest(history, date, options));
    }

    /// <summary>
    /// The last <see cref="ForecastOptions.HoldOutDays"/> observed non-festival days before <paramref name="date"/>,
    /// each forecast by a model fitted on the days before the first of them. Null when the history is too short.
    /// </summary>
    public static ForecastBacktest? Backtest(ConsultationHistory history, DateOnly date, ForecastOptions options)
    {
        if (options.HoldOutDays == 0) return null;
        var held = history.Dates.Where(d => d < date && !InFestival(d, options)).TakeLast(options.HoldOutDays).ToList();
        if (held.Count < options.HoldOutDays) return null;
        var model = Model.Fit(history, held[0], options);
        if (model is null) return null;
        var days = new List<BacktestDay>();
        double absSum = 0, actualSum = 0, mapeSum = 0;
        foreach (var d in held)
        {
            var actual = history.Days[d];
            var predicted = model.Predict(d, 1);
            double dayAbs = 0, dayActual = 0;
            for (var i = 0; i < ConsultationHistory.IntervalsPerDay; i++)
            {
                dayAbs += Math.Abs(actual[i] - predicted[i]);
                dayActual += actual[i];
            }
            var dayForecast = predicted.Sum();
            days.Add(new BacktestDay(d, dayActual, dayForecast, dayAbs / dayActual));
            absSum += dayAbs;
            actualSum += dayActual;
            mapeSum += Math.Abs(dayActual - dayForecast) / dayActual;
        }
        return new ForecastBacktest(days, absSum / actualSum, mapeSum / days.Count);
    }

    private static (double Uplift, UpliftSource Source, Msg Note) UpliftFor(ConsultationHistory history, DateOnly date, Model model, ForecastOptions options)
    {
        if (options.Uplift is { } user) return (user, UpliftSource.User, new Msg(Codes.UpliftUser, new Num(user, NumKind.Plain)));
        var festival = options.Festivals.Where(f => f.Contains(date)).Cast<DatePeriod?>().FirstOrDefault();
        if (festival is not { } current) return (1, UpliftSource.None, new Msg(Codes.UpliftNotFestival));
        var last = options.Festivals.Where(f => f.To < current.From).Cast<DatePeriod?>().LastOrDefault();
        if (last is not { } previous) return (1, UpliftSource.None, new Msg(Codes.UpliftNoEarlier, current.From, current.To));

        // Both sides de-seasonalised by the weekday factors, so a festival that starts on a weekend is not mistaken for uplift.
        double Mean(IEnumerable<DateOnly> days, out int count)
        {
            var values = days.Where(history.Days.ContainsKey).Select(d => history.Total(d) / model.Factor(d.DayOfWeek)).ToList();
            count = values.Count;
            return values.Count == 0 ? 0 : values.Average();
        }
        var during = Mean(Enumerable.Range(0, previous.Days).Select(previous.From.AddDays), out var duringDays);
        var before = Mean(Enumerable.Range(1, options.UpliftBaselineDays).Select(k => previous.From.AddDays(-k)).Where(d => !InFestival(d, options)), out var beforeDays);
        if (duringDays < 3 || beforeDays < 3 || before <= 0)
            return (1, UpliftSource.None, new Msg(Codes.UpliftTooLittle, current.From, current.To, previous.From, previous.To, options.UpliftBaselineDays));
        var ratio = during / before;
        return (ratio, UpliftSource.Learned, new Msg(Codes.UpliftLearned, previous.From, previous.To, duringDays, new Num(during, NumKind.Plain), beforeDays, new Num(before, NumKind.Plain), new Num(ratio, NumKind.Plain)));
    }

    private static bool InFestival(DateOnly date, ForecastOptions options) => options.Festivals.Any(f => f.Contains(date));

    /// <summary>The fitted line, weekday factors and shapes, with t = 0 at the forecast origin.</summary>
    private sealed class Model
    {
        private const int N = ConsultationHistory.IntervalsPerDay;
        private readonly double[] _factors = new double[7];
        private readonly double[]?[] _shapes = new double[7][];
        private double[] _pooledShape = new double[N];

        public DateOnly Origin { get; private init; }
        public double Intercept { get; private set; }
        public double Slope { get; private set; }
        public int ObservedDays { get; private init; }

        public double Factor(DayOfWeek day) => _factors[(int)day];

        public double LevelOn(DateOnly date) => Math.Max(0, Intercept + Slope * (date.DayNumber - Origin.DayNumber));

        public double[] Predict(DateOnly date, double uplift)
        {
            var total = LevelOn(date) * Factor(date.DayOfWeek) * uplift;
            var shape = _shapes[(int)date.DayOfWeek] ?? _pooledShape;
            return [.. shape.Select(s => s * total)];
        }

        public static Model? Fit(ConsultationHistory history, DateOnly origin, ForecastOptions options)
        {
            var days = history.Dates
                .Where(d => d < origin && d.DayNumber >= origin.DayNumber - options.FitDays && !InFestival(d, options))
                .ToList();
            if (days.Count < 7) return null;
            var model = new Model { Origin = origin, ObservedDays = days.Count };
            var t = days.Select(d => (double)(d.DayNumber - origin.DayNumber)).ToArray();
            var y = days.Select(history.Total).ToArray();
            var dow = days.Select(d => (int)d.DayOfWeek).ToArray();
            Array.Fill(model._factors, 1.0);
            var trend = days.Count >= 14;

            // Alternate: the line through the de-seasonalised totals, then each weekday's mean ratio to the line.
            // On data that is exactly (a + b·t) × f(weekday) this is a fixed point; elsewhere it settles in a few rounds.
            for (var round = 0; round < 50; round++)
            {
                var z = y.Select((v, i) => v / model._factors[dow[i]]).ToArray();
                (model.Intercept, model.Slope) = trend ? LeastSquares(t, z) : (z.Average(), 0);
                var sums = new double[7];
                var counts = new int[7];
                for (var i = 0; i < y.Length; i++)
                {
                    var line = model.Intercept + model.Slope * t[i];
                    if (line <= 0) continue;
                    sums[dow[i]] += y[i] / line;
                    counts[dow[i]]++;
                }
                var changed = 0.0;
                var present = Enumerable.Range(0, 7).Where(k => counts[k] > 0).ToList();
                var mean = present.Count == 0 ? 1 : present.Average(k => sums[k] / counts[k]);
                for (var k = 0; k < 7; k++)
                {
                    var f = counts[k] > 0 ? sums[k] / counts[k] / mean : 1.0;
                    changed = Math.Max(changed, Math.Abs(f - model._factors[k]));
                    model._factors[k] = f;
                }
                if (changed < 1e-12) break;
            }

            var pooled = new double[N];
            var byDay = new double[7][];
            var dayCounts = new int[7];
            foreach (var d in days)
            {
                var counts = history.Days[d];
                var k = (int)d.DayOfWeek;
                byDay[k] ??= new double[N];
                dayCounts[k]++;
                for (var i = 0; i < N; i++)
                {
                    pooled[i] += counts[i];
                    byDay[k][i] += counts[i];
                }
            }
            model._pooledShape = Normalise(pooled);
            for (var k = 0; k < 7; k++)
                if (dayCounts[k] >= 2) model._shapes[k] = Normalise(byDay[k]);
            return model;
        }

        private static double[] Normalise(double[] counts)
        {
            var sum = counts.Sum();
            return sum == 0 ? counts : [.. counts.Select(c => c / sum)];
        }

        private static (double Intercept, double Slope) LeastSquares(double[] x, double[] y)
        {
            var mx = x.Average();
            var my = y.Average();
            double sxy = 0, sxx = 0;
            for (var i = 0; i < x.Length; i++)
            {
                sxy += (x[i] - mx) * (y[i] - my);
                sxx += (x[i] - mx) * (x[i] - mx);
            }
            var slope = sxx == 0 ? 0 : sxy / sxx;
            return (my - slope * mx, slope);
        }
    }
}
