using System.Globalization;
using System.Text;
using FsCheck.Xunit;
using KefuScore.Engine.Events;
using KefuScore.Tests;

namespace KefuScore.Engine.Tests.Events;

/// <summary>The common shape read from UTF-8 bytes gives what it gives from characters: the same refusals, the same instants and offsets.</summary>
public sealed class TimestampTests
{
    /// <param name="instant">What the fast shape gives, as the framework reads it (null: refused).</param>
    [Theory]
    [InlineData("2024-02-29T23:59:59.1234567+14:00", "2024-02-29T23:59:59.1234567+14:00")]
    [InlineData("2023-02-29T10:00:00Z", null)]                                   // not a leap year
    [InlineData("2100-02-29T10:00:00Z", null)]                                   // a century that is not a leap year
    [InlineData("2000-02-29 00:00:00,5-09:30", "2000-02-29T00:00:00.5-09:30")]
    [InlineData("2026-11-20T10:00:00.123456789Z", "2026-11-20T10:00:00.1234567Z")] // digits past the tick are dropped, not rounded
    [InlineData("2026-11-20T24:00:00Z", null)]
    [InlineData("2026-13-20T10:00:00Z", null)]
    [InlineData("2026-11-20T10:00:00+15:00", null)]
    [InlineData("2026-11-20T10:00:00-14:01", null)]                              // past the framework's ±14 h
    [InlineData("2026-11-20T10:00:00+08:60", null)]
    [InlineData("2026-11-20T10:00:00+0800", null)]                               // the framework's formats take this: not the fast shape
    [InlineData("2026-11-20T10:00:00", null)]
    [InlineData("2026-11-20T10:00:00.Z", null)]
    [InlineData("2026-11-20T10:00:0\u0660Z", null)]                             // an Arabic-Indic zero is not a digit here
    [InlineData("2026-11-20T10:00:00\uFF0B08:00", null)]                        // nor is a fullwidth plus a sign
    public void Bytes_and_characters_agree_on_documented_shapes(string text, string? instant)
    {
        Assert.Equal(instant is not null, Timestamp.TryParseCommon(text.AsSpan(), out var fromChars));
        Assert.Equal(instant is not null, Timestamp.TryParseCommon(Encoding.UTF8.GetBytes(text), out var fromBytes));
        Assert.True(fromChars.EqualsExact(fromBytes), $"{text}: {fromChars:O} from characters, {fromBytes:O} from bytes");
        if (instant is not null) Assert.True(DateTimeOffset.Parse(instant, CultureInfo.InvariantCulture).EqualsExact(fromBytes), $"{text}: {fromBytes:O}");
    }

    [Theory]
    [InlineData("2026-11-20T10:00:00+14:30")]
    [InlineData("2026-11-20T10:00:00-14:59")]
    public void An_offset_past_fourteen_hours_is_refused_not_thrown(string text) => Assert.False(Timestamp.TryParse(text, out _));

    [Property(MaxTest = 300)]
    public void Random_and_near_valid_timestamps_read_the_same_from_bytes_and_characters(int seed)
    {
        var random = new Random(seed);
        for (var n = 0; n < 100; n++)
        {
            var text = RandomTimestamps.Next(random);
            var fromChars = Timestamp.TryParseCommon(text.AsSpan(), out var charsAt);
            var fromBytes = Timestamp.TryParseCommon(Encoding.UTF8.GetBytes(text), out var bytesAt);
            Assert.True(fromChars == fromBytes && charsAt.EqualsExact(bytesAt),
                $"\"{text}\": characters {fromChars} {charsAt:O}, bytes {fromBytes} {bytesAt:O}");
        }
    }

    /// <summary>The property above means something only if its texts are both taken and refused, in numbers.</summary>
    [Fact]
    public void The_random_texts_are_both_accepted_and_refused()
    {
        var random = new Random(14);
        var accepted = 0;
        const int Count = 20_000;
        for (var n = 0; n < Count; n++)
            if (Timestamp.TryParseCommon(RandomTimestamps.Next(random).AsSpan(), out _)) accepted++;
        Assert.InRange(accepted, Count / 10, Count * 9 / 10);
    }
}
