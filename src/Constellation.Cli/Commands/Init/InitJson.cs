namespace Constellation.Cli.Commands.Init;

/// <summary><c>constellation init --json</c>: the cluster ID and the files written.</summary>
internal sealed record InitResult(string ClusterId, string Kubeconfig, string MasterSecret, string Variant);
