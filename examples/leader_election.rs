//! client-go's `leader-election` example: three candidates in one process compete for
//! the Lease `example-leader-election` in namespace `default`. The leader is cancelled
//! (releasing the Lease), another candidate takes over, and the program exits.
//!
//! Uses the conventional durations of Kubernetes components: lease 15 s, renew deadline
//! 10 s, retry period 2 s (`cargo run --example leader-election`).

use std::sync::Arc;
use std::time::{Duration, Instant};

use clientgo_apimachinery::meta::DeleteOptions;
use clientgo_kubernetes::Clientset;
use clientgo_leaderelection::{
    CancellationToken, LeaderCallbacks, LeaderElectionConfig, LeaderElector, LeaseLock,
    ResourceLockConfig,
};
use clientgo_rest::ApiStatus;

const LEASE: &str = "example-leader-election";
const NAMESPACE: &str = "default";

struct Candidate {
    elector: Arc<LeaderElector>,
    cancel: CancellationToken,
    task: tokio::task::JoinHandle<()>,
}

fn candidate(
    clientset: &Clientset,
    identity: &str,
) -> Result<Candidate, Box<dyn std::error::Error>> {
    let lock = LeaseLock::new(
        clientset,
        NAMESPACE,
        LEASE,
        ResourceLockConfig {
            identity: identity.to_owned(),
            event_recorder: None,
        },
    );
    let (started, stopped) = (identity.to_owned(), identity.to_owned());
    let callbacks = LeaderCallbacks::new()
        .on_started_leading(move |leading: CancellationToken| {
            let me = started.clone();
            async move {
                println!("{me}: started leading, working until leadership ends");
                leading.cancelled().await;
                println!("{me}: leadership ended, work stopped");
            }
        })
        .on_stopped_leading(move || println!("{stopped}: stopped"));
    let callbacks = if identity == "candidate-0" {
        // One observer is enough to print leader changes.
        callbacks.on_new_leader(|leader| println!("observed new leader: {leader}"))
    } else {
        callbacks
    };
    let config = LeaderElectionConfig::kube_defaults(Arc::new(lock), callbacks)
        .release_on_cancel(true)
        .name(LEASE);
    let elector = Arc::new(LeaderElector::new(config)?);
    let cancel = CancellationToken::new();
    let task = tokio::spawn({
        let (elector, cancel) = (elector.clone(), cancel.clone());
        async move { elector.run(&cancel).await }
    });
    Ok(Candidate {
        elector,
        cancel,
        task,
    })
}

/// Waits until one of `candidates` (other than `except`) leads; its index.
async fn leader(candidates: &[Candidate], except: Option<usize>) -> Result<usize, String> {
    let deadline = Instant::now() + Duration::from_secs(45);
    loop {
        if let Some(n) = candidates
            .iter()
            .enumerate()
            .position(|(n, c)| Some(n) != except && c.elector.is_leader())
        {
            return Ok(n);
        }
        if Instant::now() > deadline {
            return Err("no leader within 45 s".into());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let config = clientgo_clientcmd::default_rest_config()?;
    let clientset = Clientset::new(&config)?;
    let candidates = (0..3)
        .map(|n| candidate(&clientset, &format!("candidate-{n}")))
        .collect::<Result<Vec<_>, _>>()?;

    let first = leader(&candidates, None).await?;
    println!("leader: candidate-{first}");
    tokio::time::sleep(Duration::from_secs(2)).await;

    println!("cancelling candidate-{first} (it releases the lease)");
    let cancelled = Instant::now();
    candidates[first].cancel.cancel();
    let second = leader(&candidates, Some(first)).await?;
    println!(
        "candidate-{second} took over after {:.1} s",
        cancelled.elapsed().as_secs_f64()
    );
    tokio::time::sleep(Duration::from_secs(1)).await;

    for candidate in &candidates {
        candidate.cancel.cancel();
    }
    for candidate in candidates {
        candidate.task.await?;
    }
    match clientset
        .coordination_v1()
        .leases(NAMESPACE)
        .delete(LEASE, &DeleteOptions::default())
        .await
    {
        Err(error) if !error.is_not_found() => return Err(error.into()),
        _ => {}
    }
    println!("done");
    Ok(())
}
