using Microsoft.AspNetCore.Identity;

namespace KefuScore.Web.Credentials;

/// <summary>
/// The password policy beside Identity's length rule (<see cref="MinLength"/>): a password is refused when it is one of
/// about 2,000 common passwords (common-passwords.txt, compared without case) or is the user name. Length and a
/// deny-list over composition rules, as NIST SP 800-63B advises.
/// </summary>
public sealed class PasswordPolicy : IPasswordValidator<IdentityUser>
{
    public const int MinLength = 10;

    private static readonly Lazy<HashSet<string>> Common = new(Load);

    public static bool IsCommon(string password) => Common.Value.Contains(password.Trim());

    public async Task<IdentityResult> ValidateAsync(UserManager<IdentityUser> manager, IdentityUser user, string? password)
    {
        if (password is null) return IdentityResult.Failed(new IdentityError { Code = "PasswordRequired", Description = "a password is required" });
        var errors = new List<IdentityError>();
        if (IsCommon(password))
            errors.Add(new IdentityError { Code = "PasswordCommon", Description = "this password is one of the most common ones; choose another" });
        var name = user.UserName ?? await manager.GetUserNameAsync(user);
        if (!string.IsNullOrWhiteSpace(name) && string.Equals(password.Trim(), name.Trim(), StringComparison.OrdinalIgnoreCase))
            errors.Add(new IdentityError { Code = "PasswordIsUserName", Description = "the password must not be the user name" });
        return errors.Count == 0 ? IdentityResult.Success : IdentityResult.Failed([.. errors]);
    }

    private static HashSet<string> Load()
    {
        using var stream = typeof(PasswordPolicy).Assembly.GetManifestResourceStream("KefuScore.Web.common-passwords.txt")
            ?? throw new InvalidOperationException("the list of common passwords is missing from the build");
        using var reader = new StreamReader(stream);
        var set = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        while (reader.ReadLine() is { } line)
            if (line.Length > 0 && line[0] != '#') set.Add(line.Trim());
        return set;
    }
}
