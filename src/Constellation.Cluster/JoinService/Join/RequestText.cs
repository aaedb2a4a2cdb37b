using System.Text;

namespace Constellation.Cluster.JoinService.Join;

/// <summary>Quotes request-supplied text in refusal messages: bounded, with control and non-ASCII characters escaped.</summary>
internal static class RequestText
{
    private const int MaxQuoted = 64;

    /// <summary>Returns <paramref name="value"/> in double quotes, at most 64 characters of it, escaped as <c>\uXXXX</c> where not printable ASCII.</summary>
    public static string Quote(string value)
    {
        var quoted = new StringBuilder(MaxQuoted + 24).Append('"');
        for (var i = 0; i < value.Length && i < MaxQuoted; i++)
        {
            var c = value[i];
            if (c is >= ' ' and <= '~' and not '"' and not '\\')
            {
                quoted.Append(c);
            }
            else
            {
                quoted.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        quoted.Append('"');
        if (value.Length > MaxQuoted)
        {
            quoted.Append(System.Globalization.CultureInfo.InvariantCulture, $" (first {MaxQuoted} of {value.Length} characters)");
        }

        return quoted.ToString();
    }
}
