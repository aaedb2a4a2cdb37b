namespace Constellation.Cluster.Bootstrapper;

/// <summary>Where a bootstrapper node is in its life (the <c>state</c> of its status file).</summary>
public enum BootstrapperState
{
    /// <summary>A fresh node with no join endpoints: its init server waits for <c>constellation init</c>.</summary>
    AwaitingInit,

    /// <summary>A fresh node: its join client asks the join endpoints for a ticket (its init server also listens).</summary>
    Joining,

    /// <summary>A rebooted node (LUKS2 state disk): it asks the join endpoints for its disk key.</summary>
    Rejoining,

    /// <summary>A rebooted control-plane node that no join service answered: its recovery server waits for <c>constellation recover</c> (rejoin keeps trying).</summary>
    Recovering,

    /// <summary>This node initialised the cluster.</summary>
    Initialized,

    /// <summary>This node is a member of the cluster: it joined, rejoined or was recovered.</summary>
    Joined,

    /// <summary>Activation failed, or the node cannot activate this boot; the status carries the error.</summary>
    Failed,
}
