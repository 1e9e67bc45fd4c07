using KefuScore.Engine.Staffing;

namespace KefuScore.Engine.Tests.Staffing;

/// <summary>Forecasts of generated histories whose right answer is known.</summary>
public sealed class ForecastTests
{
    // Open 09:00–21:00 (intervals 36..83); weekday w (Sunday 0) has (w + 1) × (interval mod 4 + 1) consultations.
    private static double Weekly(DayOfWeek day, int interval) =>
        interval is >= 36 and < 84 ? ((int)day + 1) * (interval % 4 + 1) : 0;

    private static ConsultationHistory History(DateOnly from, DateOnly to, Func<DateOnly, int, double> count)
    {
        var history = new ConsultationHistory();
        for (var d = from; d <= to; d = d.AddDays(1))
            for (var i = 0; i < ConsultationHistory.IntervalsPerDay; i++)
                if (count(d, i) is var c and > 0) history.Add(d, i, c);
        return history;
    }

    [Fact]
    public void A_history_that_repeats_one_week_is_forecast_exactly()
    {
        // Four weeks, 2026-11-02 (Monday) to 2026-11-29; the forecast is for Monday 2026-11-30.
        var history = History(new(2026, 11, 2), new(2026, 11, 29), (d, i) => Weekly(d.DayOfWeek, i));
        var forecast = Forecast.For(history, new DateOnly(2026, 11, 30));

        Assert.Equal(0, forecast.Trend, 9);
        Assert.Equal(28, forecast.FitDays);
        // Monday: 2 × (1+2+3+4) × 12 hours = 240 consultations; 10:00–10:15 (interval 40) has 2 × 1.
        Assert.Equal(240, forecast.Total, 9);
        Assert.Equal(2, forecast.Intervals[40], 9);
        Assert.Equal(8, forecast.Intervals[43], 9);
        Assert.Equal(0, forecast.Intervals[20], 9);
        for (var i = 0; i < 96; i++) Assert.Equal(Weekly(DayOfWeek.Monday, i), forecast.Intervals[i], 9);
        Assert.Equal(UpliftSource.None, forecast.UpliftSource);

        // Held back: the last 7 days, forecast from the 3 weeks before them, are exact too.
        var backtest = Assert.IsType<ForecastBacktest>(forecast.Backtest);
        Assert.Equal(7, backtest.Days.Count);
        Assert.Equal(new DateOnly(2026, 11, 23), backtest.Days[0].Date);
        Assert.Equal(0, backtest.Wape, 9);
        Assert.Equal(0, backtest.DailyMape, 9);
    }

    [Fact]
    public void A_linear_trend_under_a_weekly_pattern_is_forecast_exactly()
    {
        // Daily scale 1 + 0.02 × (days since 2026-11-02): Monday 2026-11-30 is day 28, scale 1.56.
        var start = new DateOnly(2026, 11, 2);
        double Scale(DateOnly d) => 1 + 0.02 * (d.DayNumber - start.DayNumber);
        var history = History(start, new(2026, 11, 29), (d, i) => Weekly(d.DayOfWeek, i) * Scale(d));

        var forecast = Forecast.For(history, new DateOnly(2026, 11, 30));

        Assert.Equal(240 * 1.56, forecast.Total, 6);
        Assert.Equal(2 * 1.56, forecast.Intervals[40], 6);
        Assert.True(forecast.Trend > 0);
    }

    [Fact]
    public void Last_years_festival_uplift_is_learned_and_applied()
    {
        // 2026: the weekly pattern from 2025-12-15, × 1.5 in the festival period 2026-02-10..24.
        // 2027: the weekly pattern from 2027-01-01 to 2027-01-29; the forecast is for 2027-02-01 (Monday, in the
        // 2027 period 2027-01-30..02-13).
        var history = History(new(2025, 12, 15), new(2026, 2, 24),
            (d, i) => Weekly(d.DayOfWeek, i) * (d >= new DateOnly(2026, 2, 10) ? 1.5 : 1));
        foreach (var (date, day) in History(new(2027, 1, 1), new(2027, 1, 29), (d, i) => Weekly(d.DayOfWeek, i)).Days)
            for (var i = 0; i < 96; i++) if (day[i] > 0) history.Add(date, i, day[i]);

        var forecast = Forecast.For(history, new DateOnly(2027, 2, 1));

        Assert.Equal(UpliftSource.Learned, forecast.UpliftSource);
        Assert.Equal(1.5, forecast.Uplift, 9);
        Assert.Equal(240 * 1.5, forecast.Total, 6);
        Assert.Contains("2026-02-10..2026-02-24", forecast.UpliftNote);
    }

    [Fact]
    public void A_user_uplift_overrides_and_applies_on_any_date()
    {
        var history = History(new(2026, 11, 2), new(2026, 11, 29), (d, i) => Weekly(d.DayOfWeek, i));
        var forecast = Forecast.For(history, new DateOnly(2026, 11, 30), new ForecastOptions { Uplift = 1.8 });

        Assert.Equal(UpliftSource.User, forecast.UpliftSource);
        Assert.Equal(240 * 1.8, forecast.Total, 9);
        Assert.Equal(8 * 1.8, forecast.Intervals[43], 9);
    }

    [Fact]
    public void The_held_back_error_is_measured_per_interval_and_per_day()
    {
        // Three exact weeks, then in the held-back week Wednesday 2026-11-25 had twice its usual consultations.
        var doubled = new DateOnly(2026, 11, 25);
        var history = History(new(2026, 11, 2), new(2026, 11, 29), (d, i) => Weekly(d.DayOfWeek, i) * (d == doubled ? 2 : 1));
        var backtest = Assert.IsType<ForecastBacktest>(Forecast.For(history, new DateOnly(2026, 11, 30)).Backtest);

        // Wednesday: 4 × 10 × 12 = 480 usual, 960 actual: that day's WAPE 480 / 960 = 0.5, the rest 0.
        var wednesday = backtest.Days.Single(d => d.Date == doubled);
        Assert.Equal(960, wednesday.Actual, 9);
        Assert.Equal(480, wednesday.Forecast, 9);
        Assert.Equal(0.5, wednesday.Wape, 9);
        // The week's actual: (1+2+...+7) × 120 = 3,360 plus the extra 480 = 3,840; WAPE 480 / 3,840 = 0.125.
        Assert.Equal(0.125, backtest.Wape, 9);
        Assert.Equal(0.5 / 7, backtest.DailyMape, 9);
    }

    [Fact]
    public void Too_little_history_is_refused_with_the_reason()
    {
        var history = History(new(2026, 11, 25), new(2026, 11, 29), (d, i) => Weekly(d.DayOfWeek, i));
        var e = Assert.Throws<NotEnoughHistoryException>(() => Forecast.For(history, new DateOnly(2026, 11, 30)));
        Assert.Contains("at least 7 non-festival days", e.Message);
        Assert.Equal(new object[] { new DateOnly(2026, 11, 30), 56 }, e.Text!.Args);
    }

    [Fact]
    public void The_spring_festival_periods_match_the_built_in_profiles()
    {
        Assert.Contains(new DatePeriod(new(2026, 2, 10), new(2026, 2, 24)), SpringFestival.Periods);
        Assert.Contains(new DatePeriod(new(2027, 1, 30), new(2027, 2, 13)), SpringFestival.Periods);
    }
}
