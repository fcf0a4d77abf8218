# tools: rules come here
