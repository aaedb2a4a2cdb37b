using System;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Constellation.Cluster.ClusterServices.Admin;

/// <summary>
/// The admin credential in the admin kubeconfig <c>init</c> writes: the current context's user's
/// <c>client-certificate-data</c> and <c>client-key-data</c> (base64 PEM), the client certificate the admin API
/// requires (<c>O=system:masters</c>, issued by the cluster CA).
/// </summary>
public static class AdminCredential
{
    /// <summary>Reads the client certificate with its private key from a kubeconfig.</summary>
    /// <param name="kubeconfig">The kubeconfig YAML (a secret: it holds a private key).</param>
    /// <returns>The certificate with its private key; the caller disposes it.</returns>
    /// <exception cref="ClusterException">The kubeconfig is not YAML, names no current user, or its user has no usable client certificate and key; the message names the field (never the key).</exception>
    public static X509Certificate2 FromKubeconfig(ReadOnlySpan<byte> kubeconfig)
    {
        var root = Load(kubeconfig);
        var userName = CurrentContextField(root, "user");
        var user = Sequence(root, "users").OfType<YamlMappingNode>().FirstOrDefault(u => Scalar(u, "name") == userName)
            ?? throw new ClusterException($"kubeconfig users: expected an entry named {userName}, got none");
        var details = user.Children.TryGetValue(new YamlScalarNode("user"), out var node) && node is YamlMappingNode m
            ? m
            : throw new ClusterException($"kubeconfig users[{userName}].user: expected a mapping");
        var certificatePem = Base64Pem(details, "client-certificate-data", userName);
        var keyPem = Base64Pem(details, "client-key-data", userName);
        try
        {
            return X509Certificate2.CreateFromPem(certificatePem, keyPem);
        }
        catch (CryptographicException ex)
        {
            // The message of a key parse error says nothing of the key itself.
            throw new ClusterException($"kubeconfig users[{userName}]: expected a PEM client certificate and its private key, got an unusable pair: {ex.Message}", ex);
        }
    }

    /// <summary>Reads the host of the current cluster's API server (the node <c>init</c> ran on, which also serves the admin API).</summary>
    /// <param name="kubeconfig">The kubeconfig YAML.</param>
    /// <returns>The host (name or address, without port).</returns>
    /// <exception cref="ClusterException">The kubeconfig names no current cluster or its server is not an absolute URL; the message names the field.</exception>
    public static string ApiServerHost(ReadOnlySpan<byte> kubeconfig)
    {
        var root = Load(kubeconfig);
        var clusterName = CurrentContextField(root, "cluster");
        var cluster = Sequence(root, "clusters").OfType<YamlMappingNode>().FirstOrDefault(c => Scalar(c, "name") == clusterName)
            ?? throw new ClusterException($"kubeconfig clusters: expected an entry named {clusterName}, got none");
        var server = cluster.Children.TryGetValue(new YamlScalarNode("cluster"), out var node) && node is YamlMappingNode details ? Scalar(details, "server") : null;
        return Uri.TryCreate(server, UriKind.Absolute, out var uri) && uri.Host.Length > 0
            ? uri.Host
            : throw new ClusterException($"kubeconfig clusters[{clusterName}].cluster.server: expected an absolute URL, got {(server is null ? "none" : $"\"{server}\"")}");
    }

    private static YamlMappingNode Load(ReadOnlySpan<byte> kubeconfig)
    {
        try
        {
            var yaml = new YamlStream();
            yaml.Load(new StringReader(Encoding.UTF8.GetString(kubeconfig)));
            return yaml.Documents.Count == 1 && yaml.Documents[0].RootNode is YamlMappingNode mapping
                ? mapping
                : throw new ClusterException("kubeconfig: expected one YAML mapping");
        }
        catch (YamlException ex)
        {
            throw new ClusterException($"kubeconfig: not YAML: {ex.Message}", ex);
        }
    }

    private static string CurrentContextField(YamlMappingNode root, string field)
    {
        var context = Scalar(root, "current-context") ?? throw new ClusterException("kubeconfig current-context: expected a context name, got none");
        var entry = Sequence(root, "contexts").OfType<YamlMappingNode>().FirstOrDefault(c => Scalar(c, "name") == context)
            ?? throw new ClusterException($"kubeconfig contexts: expected an entry named {context}, got none");
        return entry.Children.TryGetValue(new YamlScalarNode("context"), out var node) && node is YamlMappingNode details && Scalar(details, field) is { } value
            ? value
            : throw new ClusterException($"kubeconfig contexts[{context}].context.{field}: expected a {field} name, got none");
    }

    private static string Base64Pem(YamlMappingNode user, string key, string userName)
    {
        var value = Scalar(user, key) ?? throw new ClusterException($"kubeconfig users[{userName}].user.{key}: expected base64 PEM, got none");
        try
        {
            return Encoding.ASCII.GetString(Convert.FromBase64String(value));
        }
        catch (FormatException ex)
        {
            throw new ClusterException($"kubeconfig users[{userName}].user.{key}: expected base64, got other text", ex);
        }
    }

    private static YamlSequenceNode Sequence(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) && value is YamlSequenceNode sequence
            ? sequence
            : throw new ClusterException($"kubeconfig {key}: expected a list, got none");

    private static string? Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) && value is YamlScalarNode { Value: { Length: > 0 } text } ? text : null;
}
