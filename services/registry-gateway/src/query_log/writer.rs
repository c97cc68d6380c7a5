//! The single writer of the query log.

use std::time::Duration;

use housing_storage::Database;
use tokio::sync::{mpsc, oneshot, watch};
use tokio::task::JoinHandle;

use super::chain::{ChainHead, Draft, Entry};
use crate::settings::QueryLogSettings;
use crate::storage::{StoreError, query_log as store};

/// Appends entries to the query log. Cheap to clone: every handler holds one.
#[derive(Debug, Clone)]
pub struct QueryLog {
    sender: mpsc::Sender<Pending>,
    head: watch::Receiver<ChainHead>,
}

/// Why an entry could not be appended. The answer it logs must then not be given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum QueryLogError {
    /// The database refused the batch the entry was in.
    #[error("the query log could not be written")]
    WriteFailed,
    /// The writer has stopped (the gateway is shutting down).
    #[error("the query log writer has stopped")]
    Stopped,
}

/// The writer task; await [`WriterTask::finish`] after the last [`QueryLog`]
/// handle is dropped so that every queued entry is written.
#[derive(Debug)]
pub struct WriterTask {
    task: JoinHandle<()>,
}

#[derive(Debug)]
struct Pending {
    draft: Draft,
    written: oneshot::Sender<Result<i64, QueryLogError>>,
}

impl QueryLog {
    /// Starts the writer, chaining on the last entry in the database.
    pub async fn start(
        database: Database,
        settings: QueryLogSettings,
    ) -> Result<(QueryLog, WriterTask), StoreError> {
        let head = store::head(&database).await?;
        let (sender, receiver) = mpsc::channel(settings.queue_capacity);
        let (head_sender, head_receiver) = watch::channel(head);
        let task = tokio::spawn(write_entries(
            database,
            receiver,
            head_sender,
            settings.max_batch_size,
        ));
        Ok((
            QueryLog {
                sender,
                head: head_receiver,
            },
            WriterTask { task },
        ))
    }

    /// Appends an entry and waits until it is durable; returns its sequence.
    pub async fn append(&self, draft: Draft) -> Result<i64, QueryLogError> {
        let (written, wait) = oneshot::channel();
        self.sender
            .send(Pending { draft, written })
            .await
            .map_err(|_| QueryLogError::Stopped)?;
        wait.await.map_err(|_| QueryLogError::Stopped)?
    }

    /// The last entry written by this gateway (or found at start-up).
    pub fn head(&self) -> ChainHead {
        *self.head.borrow()
    }
}

impl WriterTask {
    /// Waits, at most `limit`, for the writer to drain its queue and stop.
    /// It stops once every [`QueryLog`] handle is gone.
    pub async fn finish(self, limit: Duration) {
        match tokio::time::timeout(limit, self.task).await {
            Ok(Ok(())) => tracing::info!("query log writer stopped"),
            Ok(Err(error)) => tracing::error!(%error, "query log writer failed"),
            Err(_) => tracing::warn!(
                limit_ms = limit.as_millis(),
                "query log writer still busy at shutdown"
            ),
        }
    }
}

async fn write_entries(
    database: Database,
    mut receiver: mpsc::Receiver<Pending>,
    head_sender: watch::Sender<ChainHead>,
    max_batch_size: usize,
) {
    let mut head = *head_sender.borrow();
    let mut batch = Vec::with_capacity(max_batch_size);
    // `recv_many` waits for at least one entry, then takes whatever else has
    // queued while the previous batch was being written.
    while receiver.recv_many(&mut batch, max_batch_size).await > 0 {
        let mut next_head = head;
        let mut entries: Vec<Entry> = Vec::with_capacity(batch.len());
        let mut waiting = Vec::with_capacity(batch.len());
        for Pending { draft, written } in batch.drain(..) {
            let (entry, after) = next_head.append(draft);
            next_head = after;
            entries.push(entry);
            waiting.push(written);
        }
        match store::append(&database, &entries).await {
            Ok(()) => {
                head = next_head;
                head_sender.send_replace(head);
                for (written, entry) in waiting.into_iter().zip(&entries) {
                    // A caller that gave up no longer waits; its entry is written all the same.
                    let _ = written.send(Ok(entry.sequence));
                }
            }
            Err(error) => {
                tracing::error!(
                    error = format!("{:#}", anyhow::Error::from(error)),
                    entries = entries.len(),
                    "query log append failed"
                );
                for written in waiting {
                    let _ = written.send(Err(QueryLogError::WriteFailed));
                }
                // The insert may have been applied after all (a lost commit
                // acknowledgement): chain on whatever the database really holds.
                match store::head(&database).await {
                    Ok(actual) => {
                        head = actual;
                        head_sender.send_replace(head);
                    }
                    Err(error) => tracing::error!(
                        error = format!("{:#}", anyhow::Error::from(error)),
                        "cannot re-read the query log head"
                    ),
                }
            }
        }
    }
}
