using System;
using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Numerics;

namespace Constellation.Cli.Commands;

/// <summary>
/// Integer options with a range: a value outside it (or not an integer) is a parse error, so it is reported as a usage
/// error (exit 2) before the command runs, never as a rejection or an unhandled exception.
/// </summary>
internal static class IntegerOptions
{
    /// <summary>Restricts a required or defaulted integer option to <paramref name="min"/>..<paramref name="max"/>.</summary>
    public static void Restrict<T>(Option<T> option, T min, T max)
        where T : struct, IBinaryInteger<T>
    {
        option.CustomParser = result => Parse(result, option.Name, min, max);
    }

    /// <summary>Restricts an optional integer option to <paramref name="min"/>..<paramref name="max"/>.</summary>
    public static void Restrict<T>(Option<T?> option, T min, T max)
        where T : struct, IBinaryInteger<T>
    {
        option.CustomParser = result => Parse(result, option.Name, min, max);
    }

    private static T Parse<T>(ArgumentResult result, string name, T min, T max)
        where T : struct, IBinaryInteger<T>
    {
        var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Join(' ', result.Tokens);
        if (T.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }

        result.AddError($"{name}: expected an integer from {min} to {max}, got \"{text}\"");
        return min;
    }
}
