using System;
using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace Constellation.Cluster.JoinService.Join;

/// <summary>
/// A kubeadm bootstrap token <c>[a-z0-9]{6}.[a-z0-9]{16}</c> with its expiry. Immutable; <see cref="ToString"/> hides the secret part.
/// </summary>
public sealed partial class BootstrapToken
{
    /// <summary>The lifetime of tokens issued with join tickets.</summary>
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromMinutes(15);

    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";

    private BootstrapToken(string id, string secret, DateTimeOffset expires)
    {
        Id = id;
        Secret = secret;
        Expires = expires;
    }

    /// <summary>Gets the public token id (6 characters).</summary>
    public string Id { get; }

    /// <summary>Gets the secret part (16 characters).</summary>
    public string Secret { get; }

    /// <summary>Gets the instant after which the token is no longer accepted.</summary>
    public DateTimeOffset Expires { get; }

    /// <summary>Gets the full token <c>id.secret</c>. It is a credential: never log it.</summary>
    public string Value => $"{Id}.{Secret}";

    /// <summary>Generates a token from the OS CSPRNG.</summary>
    /// <param name="now">The current time.</param>
    /// <param name="lifetime">How long the token is valid.</param>
    /// <returns>The token.</returns>
    public static BootstrapToken Generate(DateTimeOffset now, TimeSpan lifetime)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lifetime, TimeSpan.Zero);
        return new BootstrapToken(
            new string(RandomNumberGenerator.GetItems<char>(Alphabet, 6)),
            new string(RandomNumberGenerator.GetItems<char>(Alphabet, 16)),
            now + lifetime);
    }

    /// <summary>Checks whether a string has the kubeadm token format.</summary>
    /// <param name="value">The candidate.</param>
    /// <returns><see langword="true"/> if it matches <c>[a-z0-9]{6}.[a-z0-9]{16}</c>.</returns>
    public static bool IsWellFormed(string value) => value is not null && TokenFormat().IsMatch(value);

    /// <summary>Returns the token id and expiry; the secret part is never printed.</summary>
    /// <returns>A redacted description.</returns>
    public override string ToString() => $"{Id}.<redacted> (expires {Expires:O})";

    [GeneratedRegex("^[a-z0-9]{6}\\.[a-z0-9]{16}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex TokenFormat();
}
