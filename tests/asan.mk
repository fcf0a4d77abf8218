# The unit, host and CLI suites again, with library, tool and tests built
# with ASan + UBSan (in build/san/): one "asan" line in the summary.

CHECK_SUITES += asan
.PHONY: check-asan
check-asan:
	$(Q)rm -f $(B)/san/results.txt
	$(Q)$(MAKE) --no-print-directory SANITIZE=1 B=$(B)/san RESULTS=$(abspath $(B)/san/results.txt) \
		check-unit check-host check-cli || true
	$(Q)awk '{ p += $$2; f += $$3; n++ } END { if (n != 3) f++; print "asan", p, f }' \
		$(B)/san/results.txt 2>/dev/null >> $(RESULTS) || echo "asan 0 1" >> $(RESULTS)
