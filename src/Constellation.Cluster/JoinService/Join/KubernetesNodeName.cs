using System;
using System.Diagnostics.CodeAnalysis;

namespace Constellation.Cluster.JoinService.Join;

/// <summary>
/// The syntax of a Kubernetes node name: a DNS-1123 subdomain — at most 253 characters, dot-separated labels of 1 to 63
/// lower-case letters, digits and hyphens, each starting and ending with a letter or digit.
/// </summary>
internal static class KubernetesNodeName
{
    public const int MaxLength = 253;
    public const int MaxLabelLength = 63;

    /// <summary>Checks a node name.</summary>
    /// <param name="name">The candidate.</param>
    /// <param name="problem">What is wrong (without quoting the name), or <see langword="null"/>.</param>
    /// <returns><see langword="true"/> if the name is a DNS-1123 subdomain.</returns>
    public static bool IsValid(string name, [NotNullWhen(false)] out string? problem)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length is 0 or > MaxLength)
        {
            problem = $"a DNS-1123 subdomain of 1 to {MaxLength} characters, got {name.Length}";
            return false;
        }

        var labelStart = 0;
        for (var i = 0; i <= name.Length; i++)
        {
            if (i < name.Length && name[i] != '.')
            {
                var c = name[i];
                if (!char.IsAsciiLetterLower(c) && !char.IsAsciiDigit(c) && c != '-')
                {
                    problem = $"a DNS-1123 subdomain (lower-case letters, digits, '-' and '.'), got a disallowed character at position {i}";
                    return false;
                }

                continue;
            }

            var length = i - labelStart;
            if (length is 0 or > MaxLabelLength)
            {
                problem = $"a DNS-1123 subdomain with labels of 1 to {MaxLabelLength} characters, got a label of {length} at position {labelStart}";
                return false;
            }

            if (name[labelStart] == '-' || name[i - 1] == '-')
            {
                problem = $"a DNS-1123 subdomain whose labels start and end with a letter or digit, got a hyphen at an end of the label at position {labelStart}";
                return false;
            }

            labelStart = i + 1;
        }

        problem = null;
        return true;
    }
}
