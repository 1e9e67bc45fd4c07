using KefuScore.Engine.Incentives;

namespace KefuScore.Web.Dashboard;

/// <summary>
/// A grade of the shop's incentive rules (客服评定, <see cref="IncentiveCalculator.GradeOf"/>) in the reader's language:
/// the built-in ids by medal, a shop's own grades by the name its rules give them. Every page that shows a grade
/// (客服, 培训与激励, exports) shows it through here, so there is one grading system with one set of words.
/// </summary>
public static class GradeText
{
    public static string Name(Lang l, Grade? grade)
    {
        ArgumentNullException.ThrowIfNull(l);
        return grade?.Id switch
        {
            null => "—",
            "gold" => l.T("金牌", "Gold"),
            "silver" => l.T("银牌", "Silver"),
            "bronze" => l.T("铜牌", "Bronze"),
            "improve" => l.T("待提升", "To improve"),
            _ => grade.Name,
        };
    }
}
