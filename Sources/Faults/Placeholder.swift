enum _PlaceholderFaults {}
