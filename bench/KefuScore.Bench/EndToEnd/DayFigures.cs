using System.Globalization;

namespace KefuScore.Bench.EndToEnd;

/// <summary>The douyin figures of one shop and local day, as additive parts (the avg reply time as a sum in seconds).</summary>
public sealed record DayFigures(
    string Shop, string Day, long ReplyNum, long ReplyDen, double WaitSumSeconds, long WaitCount,
    long Unanswered, long Consultations, long Satisfied, long Dissatisfied, long Rated)
{
    public bool IsZero => ReplyDen == 0 && WaitCount == 0 && Unanswered == 0 && Consultations == 0 && Rated == 0 && WaitSumSeconds == 0;

    public string ToLine() => string.Join('\t', Shop, Day, ReplyNum, ReplyDen, WaitSumSeconds.ToString("R", CultureInfo.InvariantCulture),
        WaitCount, Unanswered, Consultations, Satisfied, Dissatisfied, Rated);

    public static DayFigures FromLine(string line)
    {
        var p = line.Split('\t');
        long L(int i) => long.Parse(p[i], CultureInfo.InvariantCulture);
        return new DayFigures(p[0], p[1], L(2), L(3), double.Parse(p[4], CultureInfo.InvariantCulture), L(5), L(6), L(7), L(8), L(9), L(10));
    }

    public static void Save(string path, IEnumerable<DayFigures> rows) => File.WriteAllLines(path, rows.Select(r => r.ToLine()));

    public static List<DayFigures> Load(string path) => File.ReadAllLines(path).Where(l => l.Length > 0).Select(FromLine).ToList();

    /// <summary>
    /// Differences between two sets of figures, per shop and day (a missing day counts as all zeros): counts,
    /// numerators and denominators must be equal, the reply-time sums within 1e-6 s.
    /// </summary>
    public static List<string> Compare(string leftName, IReadOnlyList<DayFigures> left, string rightName, IReadOnlyList<DayFigures> right)
    {
        var a = left.Where(r => !r.IsZero).ToDictionary(r => (r.Shop, r.Day));
        var b = right.Where(r => !r.IsZero).ToDictionary(r => (r.Shop, r.Day));
        var problems = new List<string>();
        foreach (var key in a.Keys.Union(b.Keys).Order())
        {
            var x = a.GetValueOrDefault(key) ?? Empty(key);
            var y = b.GetValueOrDefault(key) ?? Empty(key);
            var same = x.ReplyNum == y.ReplyNum && x.ReplyDen == y.ReplyDen && x.WaitCount == y.WaitCount
                && Math.Abs(x.WaitSumSeconds - y.WaitSumSeconds) <= 1e-6 && x.Unanswered == y.Unanswered
                && x.Consultations == y.Consultations && x.Satisfied == y.Satisfied && x.Dissatisfied == y.Dissatisfied && x.Rated == y.Rated;
            if (!same) problems.Add($"{key.Shop} {key.Day}\n    {leftName,-10}{x.ToLine()}\n    {rightName,-10}{y.ToLine()}");
        }
        return problems;
    }

    private static DayFigures Empty((string Shop, string Day) key) => new(key.Shop, key.Day, 0, 0, 0, 0, 0, 0, 0, 0, 0);
}
