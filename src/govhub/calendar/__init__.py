"""Calendar files for meetings: invites to download and feeds to subscribe to."""
