namespace KefuScore.Tests;

/// <summary>
/// Random but reproducible <c>at</c> texts around SPEC §3's common shape: valid ones (every offset, with and without a
/// fraction, Z, leap days, the range's ends) and near misses (bad digits, months, days, hours and offsets out of range,
/// other separators, truncations, stray or non-ASCII characters), for tests that two readers of the shape agree.
/// </summary>
public static class RandomTimestamps
{
    // Characters a mutation may put anywhere: digits and separators of the shape, letters, and non-ASCII look-alikes
    // (fullwidth and Arabic-Indic digits, a no-break space, a fullwidth plus) whose UTF-8 takes two or three bytes.
    private const string Stray = "0123456789-:T tZz+.,/xé\u0660\uFF10\uFF0B\u00A0\u2212";

    public static string Next(Random random)
    {
        var year = random.Next(8) switch
        {
            0 => random.Next(0, 10_000),
            1 => new[] { 0, 1, 2, 9998, 9999, 1969, 1970, 2099, 2100 }[random.Next(9)],
            2 => new[] { 1900, 2000, 2024, 2028, 2100, 2023 }[random.Next(6)], // leap-year rules
            _ => random.Next(1965, 2105),
        };
        var month = random.Next(6) == 0 ? random.Next(0, 100) : random.Next(1, 13);
        var day = random.Next(4) switch
        {
            0 => random.Next(0, 100),
            1 => random.Next(28, 33),
            _ => random.Next(1, 29),
        };
        if (random.Next(8) == 0) (month, day) = (2, random.Next(28, 31));
        var hour = random.Next(8) == 0 ? random.Next(0, 100) : random.Next(0, 24);
        var minute = random.Next(8) == 0 ? random.Next(0, 100) : random.Next(0, 60);
        var second = random.Next(8) == 0 ? random.Next(0, 100) : random.Next(0, 60);
        var separator = random.Next(10) switch { 0 => ' ', 1 => "tx/"[random.Next(3)], _ => 'T' };
        var fraction = random.Next(3) switch
        {
            0 => "",
            _ => (random.Next(6) == 0 ? "," : ".") + Digits(random, random.Next(12) == 0 ? 0 : random.Next(1, 13)),
        };
        var zone = random.Next(10) switch
        {
            0 => "Z",
            1 => "z",
            2 => "",
            3 => (random.Next(2) == 0 ? "+" : "-") + $"{random.Next(0, 100):00}{random.Next(0, 100):00}", // no colon
            4 => (random.Next(2) == 0 ? "+" : "-") + $"{random.Next(0, 100):00}", // hours only
            _ => (random.Next(2) == 0 ? "+" : "-") + $"{random.Next(0, 16):00}:{(random.Next(4) == 0 ? random.Next(0, 100) : random.Next(0, 4) * 15):00}",
        };
        var text = $"{year:0000}-{month:00}-{day:00}{separator}{hour:00}:{minute:00}:{second:00}{fraction}{zone}";
        return random.Next(3) == 0 ? Mutate(random, text) : text;
    }

    private static string Digits(Random random, int count)
    {
        var chars = new char[count];
        for (var k = 0; k < count; k++) chars[k] = (char)('0' + random.Next(10));
        return new string(chars);
    }

    /// <summary>One near miss: a character replaced, inserted or removed, the text truncated, or a space at an end.</summary>
    private static string Mutate(Random random, string text)
    {
        var at = random.Next(text.Length);
        var stray = Stray[random.Next(Stray.Length)];
        return random.Next(6) switch
        {
            0 => text[..at] + stray + text[(at + 1)..],
            1 => text[..at] + stray + text[at..],
            2 => text[..at] + text[(at + 1)..],
            3 => text[..at],
            4 => " " + text,
            _ => text + (random.Next(2) == 0 ? " " : stray.ToString()),
        };
    }
}
