"""Foundation layer: vocabulary, findings, results and errors; imports nothing else from apiconform."""
