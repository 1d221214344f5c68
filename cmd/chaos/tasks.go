package main

import "fmt"

// taskIDs returns the run's task ids. Each is also the message body its
// task asks Twilio to send, so the simulator's rows say which task
// created them.
func taskIDs(runID string, n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("chaos-%s-%05d", runID, i+1)
	}
	return ids
}
