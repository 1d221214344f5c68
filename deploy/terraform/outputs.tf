output "task_topic" {
  description = "Topic the connector's tasks are published to."
  value       = google_pubsub_topic.tasks.name
}

output "task_subscription" {
  description = "The worker's task subscription (KEDA's subscriptionName on GKE)."
  value       = google_pubsub_subscription.tasks.name
}

output "result_topic" {
  description = "Topic the worker publishes one result per task to."
  value       = google_pubsub_topic.results.name
}

output "dead_letter_topic" {
  description = "Topic of tasks that kept failing to be answered (alert when it is not empty)."
  value       = google_pubsub_topic.dead_letter.name
}

output "dead_letter_subscription" {
  description = "Subscription keeping the dead-lettered tasks."
  value       = google_pubsub_subscription.dead_letter.name
}

output "service_account" {
  description = "The worker's service account (bind GKE's Workload Identity to it)."
  value       = google_service_account.worker.email
}

output "redis_host" {
  description = "Memorystore host for TASK_STORE and BUDGET_STORE, empty without Redis."
  value       = local.redis_host
}
