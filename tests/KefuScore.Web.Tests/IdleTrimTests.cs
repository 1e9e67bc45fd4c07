using KefuScore.Web.Health;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace KefuScore.Web.Tests;

/// <summary>The server gives memory back after a burst (issue 17's soak), once per burst, never while requests come in.</summary>
public sealed class IdleTrimTests
{
    private const long Quiet = 30;

    [Theory]
    [InlineData(long.MinValue, long.MinValue, 1_000, false)] // no request since the start: nothing to give back
    [InlineData(100, long.MinValue, 129, false)]             // 29 s after the last request: still busy
    [InlineData(100, long.MinValue, 130, true)]              // 30 s quiet after a burst
    [InlineData(100, 135, 500, false)]                       // already trimmed after that burst
    [InlineData(150, 135, 179, false)]                       // a new request after the trim, 29 s ago
    [InlineData(150, 135, 180, true)]                        // … and 30 s quiet again
    public void Due_only_after_a_burst_and_a_quiet_spell(long lastRequest, long lastTrim, long now, bool due) =>
        Assert.Equal(due, IdleTrim.Due(lastRequest, lastTrim, now, Quiet));

    [Fact]
    public void Trims_once_per_quiet_spell_after_requests()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 4, 21, 0, 0, TimeSpan.Zero));
        using var trim = new IdleTrim(clock, NullLogger<IdleTrim>.Instance);

        Assert.False(Checks(trim, clock, 60)); // idle from the start: no collection

        trim.Touch();
        Assert.False(Checks(trim, clock, 20));
        trim.Touch(); // still busy 20 s later
        Assert.False(Checks(trim, clock, 25)); // 25 s since the last request
        Assert.True(Checks(trim, clock, 5));   // 30 s
        Assert.False(Checks(trim, clock, 120)); // the same quiet spell: not again
        Assert.Equal(1, trim.Trims);

        trim.Touch();
        Assert.True(Checks(trim, clock, 30));
        Assert.Equal(2, trim.Trims);
    }

    /// <summary>Moves the clock in the service's 5-second steps, checking after each; true if any check trimmed.</summary>
    private static bool Checks(IdleTrim trim, FakeTimeProvider clock, int seconds)
    {
        var trimmed = false;
        for (var s = 0; s < seconds; s += 5)
        {
            clock.Advance(TimeSpan.FromSeconds(5));
            trimmed |= trim.Tick();
        }
        return trimmed;
    }
}
