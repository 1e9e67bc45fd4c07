using System.Text;
using FsCheck.Xunit;
using KefuScore.App.Reading;
using KefuScore.Engine.Events;
using KefuScore.Tests;

namespace KefuScore.App.Tests.Reading;

public sealed class CommonRowTests
{
    /// <summary>
    /// <see cref="CommonRow.TryAt"/> reads the bytes in place; it must take exactly the cells it took when it copied
    /// them to characters first (ASCII only, at most 64 bytes, the common shape, the event range) and give the same ticks.
    /// </summary>
    [Property(MaxTest = 200)]
    public void An_at_cell_read_from_its_bytes_gives_what_its_characters_gave(int seed)
    {
        var random = new Random(seed);
        for (var n = 0; n < 100; n++)
        {
            var text = RandomTimestamps.Next(random);
            if (random.Next(20) == 0) text = text.Insert(Math.Min(text.Length, 26), new string('0', random.Next(30, 50))); // past 64 bytes
            var bytes = Encoding.UTF8.GetBytes(text);
            var expected = bytes.Length <= 64 && Ascii.IsValid(bytes) && Timestamp.TryParseCommon(text.AsSpan(), out var at) && Timestamp.InEventRange(at)
                ? at.UtcTicks : (long?)null;
            var taken = CommonRow.TryAt(bytes, out var ticks);
            Assert.True(expected == (taken ? ticks : null), $"\"{text}\": expected {expected}, got {taken} {ticks}");
        }
    }
}
